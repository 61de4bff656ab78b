#!/usr/bin/env bash
# The GPU check (dev.tensorseal.nativebridge.GpuCheck): NIST vectors on the device, equality with
# javax.crypto on fresh random chunks (output poisoned first), tamper detection, then a GB/s table.
# Runs from the bundle gpu-check-prepare.sh makes (target/gpu-check: jlink'ed runtime, jars, vectors;
# needs no JDK, no registry), or from a built tree with a JDK 25. Under 5 minutes on one H100/H200.
# Usage: gpu-check.sh [--host-only]     (--host-only: everything but device calls; CI runs it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bundle=${TENSORSEAL_GPU_CHECK_BUNDLE:-$here/target/gpu-check}
if [ -n "${TENSORSEAL_GPU_CHECK_CP:-}" ]; then
  cp=$TENSORSEAL_GPU_CHECK_CP
elif [ -d "$bundle/lib" ]; then
  cp=$(find "$bundle/lib" -name '*.jar' | sort | tr '\n' ':')
else
  cp=$here/target/classes
fi
if [ -x "$bundle/runtime/bin/java" ]; then
  java=$bundle/runtime/bin/java
elif [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
else
  java=java
fi
args=("$@")
if [ -d "$bundle/vectors" ]; then
  args+=(--vectors "$bundle/vectors")
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
exec timeout 290 "$java" --enable-native-access=ALL-UNNAMED -Xmx4g -cp "$cp" dev.tensorseal.nativebridge.GpuCheck "${args[@]}"
