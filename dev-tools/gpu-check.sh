#!/usr/bin/env bash
# The GPU check, three parts, then a summary table:
#   1. dev.tensorseal.devtools.gpu.GpuCheck (native-bridge's kernel): NIST vectors on the device, equality with javax.crypto on fresh
#      random chunks (output poisoned first), tamper detection, then a GB/s table;
#   2. dev.tensorseal.devtools.gpu.DeviceTensorChecks (core's device tensors): upload -> seal back on the device -> read through
#      the store, device-sealed zeros, a tampered chunk rejected on the device naming the chunk;
#   3. dev.tensorseal.examples.GpuSealedWeights: sealed weights opened on the device, relu(W x + b) by a CUDA
#      kernel, sealed on the device, compared with the CPU.
# Runs from the bundle gpu-check-prepare.sh makes (target/gpu-check: jlink'ed runtime, jars, vectors; needs no
# JDK, no registry), or with TENSORSEAL_GPU_CHECK_CP (a class path) and a JDK 25; without either, from this build's
# dev-tools, native-bridge and test-vectors classes. Parts 2 and 3 run when core's and the examples' classes are on
# the class path (a bundle must have them). Under 5 minutes on one H100/H200.
# Usage: gpu-check.sh [--host-only]     (--host-only: everything but device calls; CI runs it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bundle=${TENSORSEAL_GPU_CHECK_BUNDLE:-$here/target/gpu-check}
require_all=false
if [ -n "${TENSORSEAL_GPU_CHECK_CP:-}" ]; then
  cp=$TENSORSEAL_GPU_CHECK_CP
elif [ -d "$bundle/lib" ]; then
  cp=$(find "$bundle/lib" -name '*.jar' | sort | tr '\n' ':')
  require_all=true
else
  root=$(cd "$here/.." && pwd)
  cp=$here/target/classes:$root/native-bridge/target/classes:$root/test-vectors/target/classes
fi
if [ -x "$bundle/runtime/bin/java" ]; then
  java=$bundle/runtime/bin/java
elif [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
else
  java=java
fi
host_only=false
args=()
for a in "$@"; do
  case "$a" in
    --host-only) host_only=true; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
if [ -d "$bundle/vectors" ]; then
  args+=(--vectors "$bundle/vectors")
fi

# Whether class $1 (a path like dev/x/Y.class) is on the class path: in a folder entry, or in a jar named like $2.
on_cp() {
  local entry
  IFS=: read -ra entries <<< "$cp"
  for entry in "${entries[@]}"; do
    if [ -d "$entry" ] && [ -f "$entry/$1" ]; then return 0; fi
    case "$(basename "$entry")" in $2) [ -f "$entry" ] && return 0 ;; esac
  done
  return 1
}

run_java() { # $1 seconds, $2 main class, rest: arguments
  local limit=$1 main=$2
  shift 2
  timeout "$limit" "$java" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "$cp" "$main" "$@"
}

start=$(date +%s)
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
names=() results=()
record() { # $1 part name, $2 exit status ("skip: why" to record a part that did not run)
  names+=("$1")
  case "$2" in
    0) results+=(PASS) ;;
    skip:*) results+=("not run (${2#skip: })") ;;
    124 | 137) results+=("FAIL (timed out)") ;;
    *) results+=("FAIL (exit $2)") ;;
  esac
}

rc=0; run_java 200 dev.tensorseal.devtools.gpu.GpuCheck "${args[@]}" || rc=$?
record "native-bridge kernel (GpuCheck)" $rc
if on_cp dev/tensorseal/TensorStore.class 'tensorseal-core-*.jar'; then
  core_args=()
  [ "$host_only" = true ] && core_args+=(--host-only)
  rc=0; run_java 60 dev.tensorseal.devtools.gpu.DeviceTensorChecks "${core_args[@]}" || rc=$?
  record "core device tensors (DeviceTensorChecks)" $rc
elif [ "$require_all" = true ]; then
  record "core device tensors (DeviceTensorChecks)" 1
else
  record "core device tensors (DeviceTensorChecks)" "skip: core not on the class path"
fi
if on_cp dev/tensorseal/examples/GpuSealedWeights.class 'tensorseal-examples-*.jar'; then
  ex_args=(--require-gpu)
  [ "$host_only" = true ] && ex_args=(--probe-only)
  rc=0; run_java 30 dev.tensorseal.examples.GpuSealedWeights "${ex_args[@]}" || rc=$?
  record "gpu example (GpuSealedWeights)" $rc
elif [ "$require_all" = true ]; then
  record "gpu example (GpuSealedWeights)" 1
else
  record "gpu example (GpuSealedWeights)" "skip: examples not on the class path"
fi

echo "== gpu-check.sh summary$([ "$host_only" = true ] && echo ' (host only)') =="
failed=0
for i in "${!names[@]}"; do
  printf '%-44s %s\n' "${names[$i]}" "${results[$i]}"
  case "${results[$i]}" in FAIL*) failed=$((failed + 1)) ;; esac
done
if [ "$failed" -eq 0 ]; then
  echo "gpu-check.sh: PASS in $(( $(date +%s) - start )) s"
else
  echo "gpu-check.sh: FAIL ($failed of ${#names[@]} parts) in $(( $(date +%s) - start )) s"
  exit 1
fi
