/*
 * Small tensor kernels that run on plaintext a GpuSession decrypted on the device (the GPU
 * example's matrix-vector layer). Built by build-native.sh into tensor_ops.{sm_90,sm_100,sm_120}.cubin
 * and tensor_ops.compute_90.ptx next to the AES-GCM kernel; loaded with CudaModule.loadPackaged.
 * Entry points (extern "C", looked up by name):
 *   tensorseal_matvec_bias_relu(w, x, b, y, rows, cols):  y = relu(W x + b), W row-major rows x cols, F32
 */
#include <stdint.h>

/*
 * One warp per output row: lane l sums w[row][l], w[row][l+32], ... (consecutive lanes read
 * consecutive floats of the row, so the loads coalesce), then a shuffle tree adds the 32 partial
 * sums. The summation order differs from a sequential CPU loop, so results agree to rounding, not
 * bit for bit. Grid-stride over rows; 64-bit row offsets so rows*cols may exceed 2^31.
 */
extern "C" __global__ void tensorseal_matvec_bias_relu(const float *__restrict__ w, const float *__restrict__ x,
                                                       const float *__restrict__ b, float *__restrict__ y,
                                                       uint32_t rows, uint32_t cols) {
    const uint32_t lane = threadIdx.x & 31u;
    const uint64_t warps_per_block = blockDim.x >> 5;
    const uint64_t first = (uint64_t)blockIdx.x * warps_per_block + (threadIdx.x >> 5);
    const uint64_t stride = (uint64_t)gridDim.x * warps_per_block;
    for (uint64_t row = first; row < rows; row += stride) {
        const float *wr = w + row * cols;
        float acc = 0.0f;
        for (uint32_t i = lane; i < cols; i += 32u) {
            acc = fmaf(wr[i], x[i], acc);
        }
        for (int o = 16; o > 0; o >>= 1) {
            acc += __shfl_xor_sync(0xffffffffu, acc, o);
        }
        if (lane == 0) {
            y[row] = fmaxf(acc + b[row], 0.0f);
        }
    }
}
