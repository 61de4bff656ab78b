#!/usr/bin/env bash
# Prepares native-bridge/target/gpu-check for a GPU machine with no JDK and no registry access:
#   runtime/  a jlink'ed Java 25 runtime with java.base only (JCE's AES/GCM lives there)
#   lib/      the native-bridge jar (classes, host library, kernel images)
#   vectors/  the NIST GCM-256 .rsp files
# and checks that the folder stays under the 64 MiB the device tool carries.
# Usage: JAVA_HOME=/path/to/jdk25 gpu-check-prepare.sh [--no-build]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25 (jlink comes from it)}"
if [ "${1:-}" != "--no-build" ]; then
  (cd "$here/.." && ./mvnw -q -B -ntp -pl native-bridge -am package -DskipTests)
fi
out=$here/target/gpu-check
rm -rf "$out"
mkdir -p "$out/lib" "$out/vectors"
jar=$(find "$here/target" -maxdepth 1 -name 'tensorseal-native-bridge-*.jar' ! -name '*-sources.jar' | head -1)
[ -n "$jar" ] || { echo "gpu-check-prepare: no native-bridge jar in $here/target (build first)" >&2; exit 1; }
unzip -l "$jar" | grep -q 'cuda/aes_gcm.sm_90.cubin' || { echo "gpu-check-prepare: $jar has no kernel images (built without nvcc?)" >&2; exit 1; }
cp "$jar" "$out/lib/"
"$JAVA_HOME/bin/jlink" --add-modules java.base --strip-debug --no-header-files --no-man-pages \
  --compress zip-9 --output "$out/runtime"
nist=${TENSORSEAL_NIST_GCM:-/usr/lib/python3/dist-packages/cryptography_vectors/ciphers/AES/GCM}
cp "$nist/gcmEncryptExtIV256.rsp" "$nist/gcmDecrypt256.rsp" "$out/vectors/"
kib=$(du -sk "$out" | cut -f1)
echo "gpu-check-prepare: $out is $((kib / 1024)) MiB"
[ "$kib" -lt $((64 * 1024)) ] || { echo "gpu-check-prepare: bundle exceeds 64 MiB" >&2; exit 1; }
echo "run on the GPU machine: native-bridge/gpu-check.sh  (carry native-bridge/target/gpu-check)"
