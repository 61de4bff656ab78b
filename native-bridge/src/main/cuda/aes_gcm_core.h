/*
 * AES-256-GCM arithmetic shared by the CUDA kernel (aes_gcm.cu, nvcc) and the host build
 * (gcm_host.c, gcc). Every function here compiles for both sides, so the host tests exercise the
 * exact decomposition the kernel runs.
 *
 * Representation. A 16-byte block is four big-endian 32-bit words (the FIPS-197 "column" order
 * the T-table round uses). A GF(2^128) element is gcm_u128 {hi, lo}: hi holds bytes 0..7 and lo
 * bytes 8..15, each read big-endian, so the most significant bit of hi is the coefficient of x^0
 * (GCM's reflected bit order); multiplying by x is a right shift.
 *
 * Parallel GHASH. A chunk is hashed by GCM_THREADS threads. The GHASH input X_0..X_{n-1}
 * (padded AAD blocks, ciphertext blocks, length block) is front-padded with zero blocks to
 * N = q*T blocks (q = ceil(n/T)); leading zeros do not change a Horner sum. Thread t takes the
 * blocks v = t + j*T (j = 0..q-1): consecutive threads touch consecutive 16-byte blocks, so the
 * loads coalesce, and the same thread decrypts (CTR) the block it hashes, so the ciphertext is
 * read once. X_v carries H^(N-v) = (H^T)^(q-1-j) * H^(T-t), hence
 *   acc_t = Horner over j with multiplier H^T, then acc_t *= H^(T-t),  S = XOR over t of acc_t.
 * H^1..H^T and an 8-bit Shoup table of H^T depend only on the key: the host computes them once
 * per key (gcm_key_init) and the kernel reads them from the key context.
 *
 * Not constant-time: T-table AES and the table-driven GHASH index memory by secret-dependent
 * values. On the GPU the tables live in per-block shared memory of a device the tenant owns; the
 * host build exists to test this arithmetic, not to serve as a CPU engine.
 */
#ifndef TENSORSEAL_AES_GCM_CORE_H
#define TENSORSEAL_AES_GCM_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __CUDACC__
#define GCM_FN __host__ __device__ static inline
#else
#define GCM_FN static inline
#endif

/* Version of the structs and entry points below; the Java side checks it. */
#define GCM_ABI_VERSION 2u
/* Threads per chunk (CUDA block size) and the stride T of the GHASH decomposition. */
#define GCM_THREADS 256u
#define GCM_ROUND_KEY_WORDS 60u

#define GCM_STATUS_OK 0u
#define GCM_STATUS_TAG_MISMATCH 1u
#define GCM_STATUS_BAD_KEY_INDEX 2u

typedef struct {
    uint64_t hi;
    uint64_t lo;
} gcm_u128;

/* Per-key context, computed on the host by gcm_key_init, copied to the device as is. 8448 bytes. */
typedef struct {
    uint32_t rk[GCM_ROUND_KEY_WORDS]; /* offset 0: AES-256 encryption round keys */
    uint32_t reserved[4];             /* offset 240: keeps h_pow 16-byte aligned, zero */
    gcm_u128 h_pow[GCM_THREADS];      /* offset 256: h_pow[i] = H^(i+1) */
    gcm_u128 m8_ht[256];              /* offset 4352: Shoup 8-bit table of H^T */
} gcm_key_ctx;

/*
 * One chunk of a batch. 48 bytes. For open, `in` holds ciphertext||tag and `out` receives the
 * plaintext; for seal, `in` holds the plaintext and `out` receives ciphertext||tag.
 */
typedef struct {
    uint64_t in_offset;  /* offset 0: into the input buffer */
    uint64_t out_offset; /* offset 8: into the output buffer */
    uint64_t aad_offset; /* offset 16: into the AAD buffer */
    uint32_t length;     /* offset 24: plaintext (= ciphertext) bytes, tag excluded */
    uint32_t aad_length; /* offset 28: AAD bytes */
    uint32_t key_index;  /* offset 32: index into the key-context array */
    uint8_t nonce[12];   /* offset 36: chunk index u32 BE || generation u64 BE */
} gcm_chunk_desc;

GCM_FN gcm_u128 gcm_mk(uint64_t hi, uint64_t lo) {
    gcm_u128 r;
    r.hi = hi;
    r.lo = lo;
    return r;
}

GCM_FN uint32_t gcm_ror32(uint32_t x, unsigned n) {
    return (x >> n) | (x << (32u - n));
}

GCM_FN uint32_t gcm_get_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

GCM_FN void gcm_put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * AES-256 encryption of one block with four T-tables laid out contiguously (te[0..255] = Te0,
 * te[256..511] = Te1, ...). The last round reuses the T-tables with byte masks, so no S-box table
 * is needed on the device.
 */
GCM_FN void gcm_aes256_encrypt(const uint32_t *te, const uint32_t *rk, const uint32_t in[4], uint32_t out[4]) {
    const uint32_t *te0 = te, *te1 = te + 256, *te2 = te + 512, *te3 = te + 768;
    uint32_t s0 = in[0] ^ rk[0], s1 = in[1] ^ rk[1], s2 = in[2] ^ rk[2], s3 = in[3] ^ rk[3];
    uint32_t t0, t1, t2, t3;
    for (unsigned r = 1; r < 14; r++) {
        const uint32_t *k = rk + 4 * r;
        t0 = te0[s0 >> 24] ^ te1[(s1 >> 16) & 0xff] ^ te2[(s2 >> 8) & 0xff] ^ te3[s3 & 0xff] ^ k[0];
        t1 = te0[s1 >> 24] ^ te1[(s2 >> 16) & 0xff] ^ te2[(s3 >> 8) & 0xff] ^ te3[s0 & 0xff] ^ k[1];
        t2 = te0[s2 >> 24] ^ te1[(s3 >> 16) & 0xff] ^ te2[(s0 >> 8) & 0xff] ^ te3[s1 & 0xff] ^ k[2];
        t3 = te0[s3 >> 24] ^ te1[(s0 >> 16) & 0xff] ^ te2[(s1 >> 8) & 0xff] ^ te3[s2 & 0xff] ^ k[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    const uint32_t *k = rk + 56;
    out[0] = (te2[s0 >> 24] & 0xff000000u) ^ (te3[(s1 >> 16) & 0xff] & 0x00ff0000u) ^
             (te0[(s2 >> 8) & 0xff] & 0x0000ff00u) ^ (te1[s3 & 0xff] & 0x000000ffu) ^ k[0];
    out[1] = (te2[s1 >> 24] & 0xff000000u) ^ (te3[(s2 >> 16) & 0xff] & 0x00ff0000u) ^
             (te0[(s3 >> 8) & 0xff] & 0x0000ff00u) ^ (te1[s0 & 0xff] & 0x000000ffu) ^ k[1];
    out[2] = (te2[s2 >> 24] & 0xff000000u) ^ (te3[(s3 >> 16) & 0xff] & 0x00ff0000u) ^
             (te0[(s0 >> 8) & 0xff] & 0x0000ff00u) ^ (te1[s1 & 0xff] & 0x000000ffu) ^ k[2];
    out[3] = (te2[s3 >> 24] & 0xff000000u) ^ (te3[(s0 >> 16) & 0xff] & 0x00ff0000u) ^
             (te0[(s1 >> 8) & 0xff] & 0x0000ff00u) ^ (te1[s2 & 0xff] & 0x000000ffu) ^ k[3];
}

/* Fills te[1024] from Te0 (the other three tables are byte rotations of it). */
GCM_FN void gcm_expand_te(const uint32_t *te0, uint32_t *te, unsigned first, unsigned step) {
    for (unsigned i = first; i < 256; i += step) {
        uint32_t v = te0[i];
        te[i] = v;
        te[256 + i] = gcm_ror32(v, 8);
        te[512 + i] = gcm_ror32(v, 16);
        te[768 + i] = gcm_ror32(v, 24);
    }
}

/* AES-256 key expansion (FIPS-197 5.2). Host side only in practice. */
GCM_FN void gcm_aes256_expand(const uint8_t *sbox, const uint8_t key[32], uint32_t rk[60]) {
    for (unsigned i = 0; i < 8; i++) {
        rk[i] = gcm_get_be32(key + 4 * i);
    }
    for (unsigned i = 8; i < 60; i++) {
        uint32_t t = rk[i - 1];
        if (i % 8 == 0) {
            t = (t << 8) | (t >> 24);
            t = ((uint32_t)sbox[t >> 24] << 24) | ((uint32_t)sbox[(t >> 16) & 0xff] << 16) |
                ((uint32_t)sbox[(t >> 8) & 0xff] << 8) | (uint32_t)sbox[t & 0xff];
            t ^= (uint32_t)1u << (24 + i / 8 - 1); /* rcon 0x01..0x40 */
        } else if (i % 8 == 4) {
            t = ((uint32_t)sbox[t >> 24] << 24) | ((uint32_t)sbox[(t >> 16) & 0xff] << 16) |
                ((uint32_t)sbox[(t >> 8) & 0xff] << 8) | (uint32_t)sbox[t & 0xff];
        }
        rk[i] = rk[i - 8] ^ t;
    }
}

/* X * Y in GF(2^128), SP 800-38D Algorithm 1, branch-free. Used for setup and once per thread. */
GCM_FN gcm_u128 gcm_gf_mul(gcm_u128 x, gcm_u128 y) {
    uint64_t zh = 0, zl = 0, vh = y.hi, vl = y.lo;
    for (int i = 0; i < 128; i++) {
        uint64_t bit = (i < 64) ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
        uint64_t m = (uint64_t)0 - bit;
        zh ^= vh & m;
        zl ^= vl & m;
        uint64_t carry = (uint64_t)0 - (vl & 1);
        vl = (vl >> 1) | (vh << 63);
        vh = (vh >> 1) ^ (carry & 0xe100000000000000ull);
    }
    return gcm_mk(zh, zl);
}

/*
 * Shoup's 8-bit table for multiplying by y: m8[b] = (byte b read as x^0..x^7, bit 7 first) * y.
 * Sixteen table steps per multiplication (a 4-bit table needs 32; measured 139 -> 148 GB/s on an
 * H200): the GPU has no carry-less multiply, and GHASH is much of the kernel's instructions.
 */
GCM_FN void gcm_shoup8_table(gcm_u128 y, gcm_u128 m8[256]) {
    m8[0] = gcm_mk(0, 0);
    m8[128] = y;
    gcm_u128 v = y;
    for (unsigned i = 64; i > 0; i >>= 1) {
        uint64_t carry = (uint64_t)0 - (v.lo & 1);
        v.lo = (v.lo >> 1) | (v.hi << 63);
        v.hi = (v.hi >> 1) ^ (carry & 0xe100000000000000ull);
        m8[i] = v;
    }
    for (unsigned i = 2; i <= 128; i <<= 1) {
        for (unsigned j = 1; j < i; j++) {
            m8[i + j] = gcm_mk(m8[i].hi ^ m8[j].hi, m8[i].lo ^ m8[j].lo);
        }
    }
}

/* Reduction for the eight bits shifted out in one 8-bit Shoup step (bit k folds in 0xe100 >> (7 - k)). */
GCM_FN uint16_t gcm_last8(unsigned rem) {
    uint32_t r = 0;
    for (unsigned k = 0; k < 8; k++) {
        r ^= ((uint32_t)0 - ((rem >> k) & 1)) & (0xe100u >> (7 - k));
    }
    return (uint16_t)r;
}

/* x * y with Shoup's 8-bit table m8 of y and the table last8[r] = gcm_last8(r); bytes from the last backwards. */
GCM_FN gcm_u128 gcm_shoup8_mul(gcm_u128 x, const gcm_u128 *m8, const uint16_t *last8) {
    unsigned b = (unsigned)(x.lo & 0xff);
    uint64_t zh = m8[b].hi, zl = m8[b].lo;
    for (int i = 14; i >= 0; i--) {
        b = (unsigned)((i < 8 ? x.hi >> (56 - 8 * i) : x.lo >> (56 - 8 * (i - 8))) & 0xff);
        unsigned rem = (unsigned)(zl & 0xff);
        zl = (zh << 56) | (zl >> 8);
        zh = (zh >> 8) ^ ((uint64_t)last8[rem] << 48);
        zh ^= m8[b].hi;
        zl ^= m8[b].lo;
    }
    return gcm_mk(zh, zl);
}

GCM_FN gcm_u128 gcm_words_to_u128(const uint32_t w[4]) {
    return gcm_mk(((uint64_t)w[0] << 32) | w[1], ((uint64_t)w[2] << 32) | w[3]);
}

/* Loads n (0..16) bytes as a zero-padded block of big-endian words. */
GCM_FN void gcm_load_block(const uint8_t *p, uint32_t n, uint32_t w[4]) {
#ifdef __CUDA_ARCH__
    if (n == 16 && (((uintptr_t)p) & 15) == 0) {
        uint4 v = *(const uint4 *)p;
        w[0] = __byte_perm(v.x, 0, 0x0123);
        w[1] = __byte_perm(v.y, 0, 0x0123);
        w[2] = __byte_perm(v.z, 0, 0x0123);
        w[3] = __byte_perm(v.w, 0, 0x0123);
        return;
    }
#endif
    uint8_t b[16];
    for (uint32_t i = 0; i < 16; i++) {
        b[i] = i < n ? p[i] : 0;
    }
    for (unsigned i = 0; i < 4; i++) {
        w[i] = gcm_get_be32(b + 4 * i);
    }
}

GCM_FN void gcm_store_block(uint8_t *p, uint32_t n, const uint32_t w[4]) {
#ifdef __CUDA_ARCH__
    if (n == 16 && (((uintptr_t)p) & 15) == 0) {
        uint4 v;
        v.x = __byte_perm(w[0], 0, 0x0123);
        v.y = __byte_perm(w[1], 0, 0x0123);
        v.z = __byte_perm(w[2], 0, 0x0123);
        v.w = __byte_perm(w[3], 0, 0x0123);
        *(uint4 *)p = v;
        return;
    }
#endif
    uint8_t b[16];
    for (unsigned i = 0; i < 4; i++) {
        gcm_put_be32(b + 4 * i, w[i]);
    }
    for (uint32_t i = 0; i < n; i++) {
        p[i] = b[i];
    }
}

/* 16-byte blocks covering n bytes, for any uint32 n (at most 2^28: fits uint32). */
GCM_FN uint32_t gcm_blocks(uint32_t n) {
    return (uint32_t)(((uint64_t)n + 15) / 16);
}

/* E_K(nonce || BE32(counter)). */
GCM_FN void gcm_ctr_block(const uint32_t *te, const uint32_t *rk, const uint8_t nonce[12], uint32_t counter,
                          uint32_t out[4]) {
    uint32_t in[4];
    in[0] = gcm_get_be32(nonce);
    in[1] = gcm_get_be32(nonce + 4);
    in[2] = gcm_get_be32(nonce + 8);
    in[3] = counter;
    gcm_aes256_encrypt(te, rk, in, out);
}

/*
 * One thread's share of one chunk (see the header comment): CTR-transforms the data blocks it
 * owns from `in` to `out` and returns its GHASH partial acc_t * H^(T-t). `seal` selects the
 * direction; GHASH always runs over the ciphertext.
 */
GCM_FN gcm_u128 gcm_thread_pass(const uint32_t *te, const uint32_t *rk, const gcm_u128 *m8_ht, const uint16_t *last8,
                                gcm_u128 h_t_minus_tid,
                                const uint8_t nonce[12], const uint8_t *aad, uint32_t aad_length,
                                const uint8_t *in, uint8_t *out, uint32_t length, int seal, uint32_t tid) {
    /* 64-bit before the +15: a length of 2^32-15 or more would wrap to a block count near zero. */
    const uint32_t n_aad = gcm_blocks(aad_length);
    const uint32_t n_data = gcm_blocks(length);
    const uint64_t n = (uint64_t)n_aad + n_data + 1;
    const uint64_t q = (n + GCM_THREADS - 1) / GCM_THREADS;
    const uint64_t pad = q * GCM_THREADS - n;
    gcm_u128 acc = gcm_mk(0, 0);
    for (uint64_t j = 0; j < q; j++) {
        if (j > 0) {
            acc = gcm_shoup8_mul(acc, m8_ht, last8);
        }
        uint64_t v = tid + j * GCM_THREADS;
        if (v < pad) {
            continue; /* leading zero block */
        }
        uint64_t r = v - pad;
        uint32_t x[4];
        if (r < n_aad) {
            uint32_t off = (uint32_t)r * 16;
            uint32_t take = aad_length - off < 16 ? aad_length - off : 16;
            gcm_load_block(aad + off, take, x);
        } else if (r < (uint64_t)n_aad + n_data) {
            uint32_t k = (uint32_t)(r - n_aad);
            uint32_t off = k * 16;
            uint32_t take = length - off < 16 ? length - off : 16;
            uint32_t ks[4], d[4];
            gcm_ctr_block(te, rk, nonce, 2u + k, ks);
            gcm_load_block(in + off, take, d);
            uint32_t tail_mask[4];
            for (unsigned i = 0; i < 4; i++) {
                /* keep the zero padding of a partial block zero after the XOR */
                uint32_t have = take > 4 * i ? take - 4 * i : 0;
                tail_mask[i] = have >= 4 ? 0xffffffffu : (have == 0 ? 0u : ~(0xffffffffu >> (8 * have)));
                uint32_t o = (d[i] ^ ks[i]) & tail_mask[i];
                x[i] = seal ? o : d[i];
                d[i] = o;
            }
            gcm_store_block(out + off, take, d);
        } else {
            uint64_t abits = (uint64_t)aad_length * 8, cbits = (uint64_t)length * 8;
            x[0] = (uint32_t)(abits >> 32);
            x[1] = (uint32_t)abits;
            x[2] = (uint32_t)(cbits >> 32);
            x[3] = (uint32_t)cbits;
        }
        gcm_u128 xb = gcm_words_to_u128(x);
        acc.hi ^= xb.hi;
        acc.lo ^= xb.lo;
    }
    return gcm_gf_mul(acc, h_t_minus_tid);
}

/* Zeroes the data blocks thread tid owns (a failed open publishes nothing). */
GCM_FN void gcm_thread_zero(uint8_t *out, uint32_t length, uint32_t tid) {
    uint32_t n_data = gcm_blocks(length);
    const uint32_t zero[4] = {0, 0, 0, 0};
    for (uint32_t k = tid; k < n_data; k += GCM_THREADS) {
        uint32_t off = k * 16;
        gcm_store_block(out + off, length - off < 16 ? length - off : 16, zero);
    }
}

/* Tag = S xor E_K(J0), J0 = nonce || 1; written as 16 bytes. */
GCM_FN void gcm_final_tag(const uint32_t *te, const uint32_t *rk, const uint8_t nonce[12], gcm_u128 s,
                          uint8_t tag[16]) {
    uint32_t ek[4], t[4];
    gcm_ctr_block(te, rk, nonce, 1u, ek);
    t[0] = ek[0] ^ (uint32_t)(s.hi >> 32);
    t[1] = ek[1] ^ (uint32_t)s.hi;
    t[2] = ek[2] ^ (uint32_t)(s.lo >> 32);
    t[3] = ek[3] ^ (uint32_t)s.lo;
    for (unsigned i = 0; i < 4; i++) {
        gcm_put_be32(tag + 4 * i, t[i]);
    }
}

/* Constant-time comparison of two 16-byte tags; 1 when equal. */
GCM_FN int gcm_tag_equal(const uint8_t *a, const uint8_t *b) {
    uint32_t d = 0;
    for (unsigned i = 0; i < 16; i++) {
        d |= (uint32_t)(a[i] ^ b[i]);
    }
    return d == 0;
}

/* Key context: round keys, H^1..H^T and the 8-bit Shoup table of H^T. Host side. */
GCM_FN void gcm_key_ctx_init(const uint32_t *te, const uint8_t *sbox, const uint8_t key[32], gcm_key_ctx *ctx) {
    gcm_aes256_expand(sbox, key, ctx->rk);
    for (unsigned i = 0; i < 4; i++) {
        ctx->reserved[i] = 0;
    }
    const uint32_t zero[4] = {0, 0, 0, 0};
    uint32_t hw[4];
    gcm_aes256_encrypt(te, ctx->rk, zero, hw);
    gcm_u128 h = gcm_words_to_u128(hw);
    ctx->h_pow[0] = h;
    for (unsigned i = 1; i < GCM_THREADS; i++) {
        ctx->h_pow[i] = gcm_gf_mul(ctx->h_pow[i - 1], h);
    }
    gcm_shoup8_table(ctx->h_pow[GCM_THREADS - 1], ctx->m8_ht);
}

#endif
