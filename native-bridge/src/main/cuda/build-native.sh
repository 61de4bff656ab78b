#!/usr/bin/env bash
# Builds the native parts of native-bridge into the class output folder (Maven runs this in
# generate-resources; gpu-check-prepare.sh can too):
#   dev/tensorseal/nativebridge/native/linux-<arch>/libtensorseal_gcm_host.so   (gcc)
#   dev/tensorseal/nativebridge/native/linux-<arch>/libtensorseal_aesgcm.so     (gcc, x86-64: the "vaes" engine)
#   dev/tensorseal/nativebridge/native/linux-<arch>/libtensorseal_keywrap.so    (gcc, x86-64: AES-NI key wrap)
#   dev/tensorseal/nativebridge/cuda/aes_gcm.{sm_90,sm_100,sm_120}.cubin,
#   dev/tensorseal/nativebridge/cuda/aes_gcm.compute_90.ptx                       (nvcc)
#   dev/tensorseal/nativebridge/cuda/tensor_ops.{sm_90,sm_100,sm_120}.cubin, tensor_ops.compute_90.ptx
#                                                      (nvcc; the GPU example's small kernels)
# Without gcc or nvcc the build goes on and says what is not packaged; with CI=true it fails.
# Usage: build-native.sh SOURCE_DIR CLASSES_DIR
set -euo pipefail
src=$1
classes=$2
ci=${CI:-false}
say() { echo "[tensorseal native] $*"; }
missing() {
  if [ "$ci" = true ]; then say "ERROR: $1 (CI=true: a missing toolchain is a failure)" >&2; exit 1; fi
  say "WARNING: $1"
}
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) arch=$(uname -m) ;;
esac
host_dir="$classes/dev/tensorseal/nativebridge/native/linux-$arch"
cuda_dir="$classes/dev/tensorseal/nativebridge/cuda"
mkdir -p "$host_dir" "$cuda_dir"
sources=("$src/aes_gcm_core.h" "$src/aes_tables.inc" "$src/gcm_host.c" "$src/aes_gcm.cu" "$src/tensor_ops.cu"
         "$src/aes_gcm_vaes.c" "$src/aes_kw.c" "$src/aes_key_schedule.h")
# Rebuilds only when a source is newer than the output (keeps incremental builds fast).
stale() { [ ! -e "$1" ] || [ -n "$(find "${sources[@]}" -newer "$1" 2>/dev/null)" ]; }

host_lib="$host_dir/libtensorseal_gcm_host.so"
cc=${CC:-gcc}
if command -v "$cc" >/dev/null 2>&1; then
  if stale "$host_lib"; then
    start=$(date +%s%N)
    "$cc" -std=c11 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -o "$host_lib" "$src/gcm_host.c"
    say "built $(basename "$host_lib") with $cc in $(( ($(date +%s%N) - start) / 1000000 )) ms"
  fi
  # The CPU engine: AVX-512 code behind a runtime CPU check (tsg_supported), so the library loads anywhere
  # on x86-64 and the engine reports itself unavailable on a CPU without VAES.
  cpu_lib="$host_dir/libtensorseal_aesgcm.so"
  if [ "$arch" = x86_64 ] && stale "$cpu_lib"; then
    start=$(date +%s%N)
    "$cc" -std=c11 -O2 -fPIC -shared -fvisibility=hidden -fno-plt -Wall -Wextra -Werror -o "$cpu_lib" "$src/aes_gcm_vaes.c"
    say "built $(basename "$cpu_lib") with $cc in $(( ($(date +%s%N) - start) / 1000000 )) ms"
  fi
  # Key wrap with the KEK off the Java heap: AES-NI code behind a runtime check (tkw_supported).
  kw_lib="$host_dir/libtensorseal_keywrap.so"
  if [ "$arch" = x86_64 ] && stale "$kw_lib"; then
    start=$(date +%s%N)
    "$cc" -std=c11 -O2 -fPIC -shared -fvisibility=hidden -fno-plt -Wall -Wextra -Werror -o "$kw_lib" "$src/aes_kw.c"
    say "built $(basename "$kw_lib") with $cc in $(( ($(date +%s%N) - start) / 1000000 )) ms"
  fi
else
  missing "no C compiler ($cc): the host AES-GCM library is not packaged and its kernel tests cannot run"
fi

nvcc=""
for candidate in "${NVCC:-}" "$(command -v nvcc 2>/dev/null || true)" "${CUDA_HOME:-/nonexistent}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then nvcc=$candidate; break; fi
done
if [ -z "$nvcc" ]; then
  missing "nvcc not found (PATH, \$CUDA_HOME, /usr/local/cuda): the GPU kernel is not packaged; the GPU decrypt path will report 'kernel not packaged'"
  exit 0
fi
flags=(-O3 -std=c++17 -Xptxas -O3 --restrict)
start=$(date +%s%N)
built=()
for module in aes_gcm tensor_ops; do
  for sm in 90 100 120; do
    out="$cuda_dir/$module.sm_$sm.cubin"
    if stale "$out"; then
      "$nvcc" "${flags[@]}" -cubin -arch=sm_$sm -o "$out" "$src/$module.cu"
      built+=("$module.sm_$sm")
    fi
  done
  ptx="$cuda_dir/$module.compute_90.ptx"
  if stale "$ptx"; then
    "$nvcc" "${flags[@]}" -ptx -arch=compute_90 -o "$ptx" "$src/$module.cu"
    built+=("$module.compute_90")
  fi
done
if [ ${#built[@]} -gt 0 ]; then
  say "built GPU kernel (${built[*]}) with $("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p') in $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
