/*
 * AES-256-GCM over the store's chunk format on the GPU: one CUDA block of GCM_THREADS threads per
 * chunk (grid-stride over chunks), arithmetic in aes_gcm_core.h (shared with the host build).
 * Entry points (extern "C", loaded by name with cuModuleGetFunction):
 *   tensorseal_gcm_open(keys, keyCount, chunks, count, in, aad, out, status)
 *   tensorseal_gcm_seal(keys, keyCount, chunks, count, in, aad, out, status)
 * Open writes plaintext, then zeroes a chunk's output when its tag fails; status[c] is
 * GCM_STATUS_OK, GCM_STATUS_TAG_MISMATCH or GCM_STATUS_BAD_KEY_INDEX.
 */
#include "aes_gcm_core.h"

#define GCM_TABLE(type, name, n) __device__ const type name[n]
#include "aes_tables.inc"

static __device__ __forceinline__ gcm_u128 warp_xor(gcm_u128 v) {
    for (int o = 16; o > 0; o >>= 1) {
        v.hi ^= __shfl_xor_sync(0xffffffffu, v.hi, o);
        v.lo ^= __shfl_xor_sync(0xffffffffu, v.lo, o);
    }
    return v;
}

static __device__ __forceinline__ void gcm_chunks(const gcm_key_ctx *__restrict__ keys, uint32_t key_count,
                                                  const gcm_chunk_desc *__restrict__ chunks, uint32_t count,
                                                  const uint8_t *in, const uint8_t *__restrict__ aad, uint8_t *out,
                                                  uint32_t *__restrict__ status, int seal) {
    /* T-tables in shared memory: the usual fast path for table AES on GPUs (4 KiB). */
    __shared__ uint32_t te[1024];
    __shared__ uint32_t rk[GCM_ROUND_KEY_WORDS];
    __shared__ gcm_u128 m8_ht[256];
    __shared__ uint16_t last8[256];
    __shared__ gcm_u128 partial[GCM_THREADS / 32];
    __shared__ int verdict;
    const uint32_t tid = threadIdx.x;
    gcm_expand_te(GCM_TE0, te, tid, GCM_THREADS);
    last8[tid] = gcm_last8(tid); /* GCM_THREADS == 256: one entry per thread */
    /* 64-bit index: c + gridDim.x cannot wrap past count and revisit chunks. */
    for (uint64_t c = blockIdx.x; c < count; c += gridDim.x) {
        const gcm_chunk_desc d = chunks[c];
        if (d.key_index >= key_count) {
            if (tid == 0) {
                status[c] = GCM_STATUS_BAD_KEY_INDEX;
            }
            continue; /* uniform across the block */
        }
        const gcm_key_ctx *k = &keys[d.key_index];
        __syncthreads(); /* previous chunk done with rk/m8_ht/partial; te, last8 filled on the first pass */
        if (tid < GCM_ROUND_KEY_WORDS) {
            rk[tid] = k->rk[tid];
        }
        m8_ht[tid] = k->m8_ht[tid];
        const gcm_u128 h_scale = k->h_pow[GCM_THREADS - 1 - tid];
        __syncthreads();
        gcm_u128 acc = gcm_thread_pass(te, rk, m8_ht, last8, h_scale, d.nonce, aad + d.aad_offset, d.aad_length,
                                       in + d.in_offset, out + d.out_offset, d.length, seal, tid);
        acc = warp_xor(acc);
        if ((tid & 31) == 0) {
            partial[tid >> 5] = acc;
        }
        __syncthreads();
        if (tid == 0) {
            gcm_u128 s = gcm_mk(0, 0);
            for (uint32_t w = 0; w < GCM_THREADS / 32; w++) {
                s.hi ^= partial[w].hi;
                s.lo ^= partial[w].lo;
            }
            uint8_t tag[16];
            gcm_final_tag(te, rk, d.nonce, s, tag);
            if (seal) {
                uint8_t *t = out + d.out_offset + d.length;
                for (int i = 0; i < 16; i++) {
                    t[i] = tag[i];
                }
                verdict = 1;
            } else {
                verdict = gcm_tag_equal(tag, in + d.in_offset + d.length);
            }
            status[c] = verdict ? GCM_STATUS_OK : GCM_STATUS_TAG_MISMATCH;
        }
        __syncthreads();
        if (!verdict) {
            gcm_thread_zero(out + d.out_offset, d.length, tid);
        }
    }
}

extern "C" __global__ void __launch_bounds__(GCM_THREADS)
    tensorseal_gcm_open(const gcm_key_ctx *keys, uint32_t key_count, const gcm_chunk_desc *chunks, uint32_t count,
                        const uint8_t *in, const uint8_t *aad, uint8_t *out, uint32_t *status) {
    gcm_chunks(keys, key_count, chunks, count, in, aad, out, status, 0);
}

extern "C" __global__ void __launch_bounds__(GCM_THREADS)
    tensorseal_gcm_seal(const gcm_key_ctx *keys, uint32_t key_count, const gcm_chunk_desc *chunks, uint32_t count,
                        const uint8_t *in, const uint8_t *aad, uint8_t *out, uint32_t *status) {
    gcm_chunks(keys, key_count, chunks, count, in, aad, out, status, 1);
}
