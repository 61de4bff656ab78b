/*
 * AES-GCM for x86-64 CPUs with VAES and VPCLMULQDQ on 512-bit vectors (AVX-512 F/BW/VL):
 * the CPU engine "vaes" of tensorseal (libtensorseal_aesgcm.so, bound in CpuAesGcm.java).
 *
 * Why it exists: the JDK's GCM intrinsic runs only on heap arrays, so off-heap tensors had to be
 * staged through the Java heap (plaintext on the heap, and two extra copies); OpenSSL 3.0.19 ran at
 * about 4 GB/s on the Zen 4 machine of BENCHMARKS.md (it takes no VAES path there). This works on the
 * caller's native memory in place at about twice that.
 *
 * Construction (standard GCM, NIST SP 800-38D, 96-bit IVs only):
 *   - AES-128/192/256 rounds with AESENC on four 128-bit lanes per instruction; the key schedule is
 *     built with AESKEYGENASSIST (no table lookups anywhere, so nothing depends on secret-indexed memory).
 *   - GHASH in the bit-reflected representation with carry-less multiplication: blocks are
 *     byte-reversed, the hash key is pre-multiplied by x^-1 (a 1-bit left shift with conditional
 *     reduction), and products are reduced by two folds with x^63 + x^62 + x^57; 16 blocks per step
 *     are multiplied by H^16 .. H^1 and reduced once (aggregated reduction).
 *   - Counters are kept byte-reversed so a 32-bit lane add is GCM's inc32 (wraps mod 2^32, as specified).
 * Everything branches only on lengths, never on key, data or tag values; tags are compared in
 * constant time. Scratch on the stack that held keystream or key words is wiped with explicit_bzero.
 *
 * The exported functions other than tsg_supported() and the size/version queries use AVX-512
 * instructions: callers must check tsg_supported() first (the Java binding does).
 */
#define _DEFAULT_SOURCE
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

#define TSG_ABI_VERSION 1u
/* GCM's bound on one message with a 96-bit IV: 2^32 - 2 blocks. */
#define TSG_MAX_BYTES ((((uint64_t)1 << 32) - 2) * 16)

typedef struct {
    __m128i rk[15];     /* round keys 0..rounds */
    __m128i h1;         /* H, byte-reflected and multiplied by x^-1 */
    __m128i reserved;
    __m512i hpow[4];    /* hpow[k], lane j: H^(16 - 4k - j), same representation */
    uint32_t rounds;    /* 10, 12 or 14 */
    uint32_t ready;     /* 0x7e5ea1ed once initialised */
} tsg_ctx;

#define TSG_READY 0x7e5ea1edu

EXPORT uint32_t tsg_abi_version(void) { return TSG_ABI_VERSION; }
EXPORT uint32_t tsg_ctx_size(void) { return (uint32_t)sizeof(tsg_ctx); }
EXPORT uint32_t tsg_ctx_align(void) { return (uint32_t)_Alignof(tsg_ctx); }

/* 1 when this CPU (and the OS, for the 512-bit register state) runs the code below. */
EXPORT int tsg_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("vaes")
        && __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("aes")
        && __builtin_cpu_supports("pclmul");
}

#pragma GCC push_options
#pragma GCC target("aes,pclmul,sse4.1,avx2,avx512f,avx512bw,avx512vl,vaes,vpclmulqdq")

#define BSWAP128 _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

static inline __m128i bswap128(__m128i x) { return _mm_shuffle_epi8(x, BSWAP128); }

/* ---- GHASH arithmetic (reflected representation) ---- */

static inline __m128i reduce128(__m128i lo, __m128i mi, __m128i hi) {
    const __m128i poly = _mm_set_epi64x((long long)0xc200000000000000ULL, 1);
    __m128i t = _mm_clmulepi64_si128(poly, lo, 0x01);          /* LO_L * (x^63 + x^62 + x^57) */
    lo = _mm_shuffle_epi32(lo, 0x4e);                           /* swap halves */
    mi = _mm_xor_si128(mi, _mm_xor_si128(t, lo));               /* fold LO into MI */
    t = _mm_clmulepi64_si128(poly, mi, 0x01);
    mi = _mm_shuffle_epi32(mi, 0x4e);
    return _mm_xor_si128(hi, _mm_xor_si128(t, mi));             /* fold MI into HI */
}

static inline __m128i gmul(__m128i a, __m128i b) {
    __m128i lo = _mm_clmulepi64_si128(a, b, 0x00);
    __m128i mi = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10));
    __m128i hi = _mm_clmulepi64_si128(a, b, 0x11);
    return reduce128(lo, mi, hi);
}

static inline __m512i reduce512(__m512i lo, __m512i mi, __m512i hi) {
    const __m512i poly = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)0xc200000000000000ULL, 1));
    __m512i t = _mm512_clmulepi64_epi128(poly, lo, 0x01);
    lo = _mm512_shuffle_epi32(lo, _MM_PERM_BADC);
    mi = _mm512_ternarylogic_epi32(mi, t, lo, 0x96);
    t = _mm512_clmulepi64_epi128(poly, mi, 0x01);
    mi = _mm512_shuffle_epi32(mi, _MM_PERM_BADC);
    return _mm512_ternarylogic_epi32(hi, t, mi, 0x96);
}

/* XOR of the four 128-bit lanes. */
static inline __m128i hxor(__m512i v) {
    __m256i t = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

/* acc <- (acc ^ d0) * H^16 ^ d1 ... over 16 byte-reflected blocks in d0..d3, one reduction. */
static inline __m128i ghash16(const tsg_ctx *c, __m128i acc, __m512i d0, __m512i d1, __m512i d2, __m512i d3) {
    d0 = _mm512_xor_si512(d0, _mm512_zextsi128_si512(acc));
    const __m512i h0 = c->hpow[0], h1 = c->hpow[1], h2 = c->hpow[2], h3 = c->hpow[3];
    __m512i lo = _mm512_clmulepi64_epi128(d0, h0, 0x00);
    __m512i mi = _mm512_clmulepi64_epi128(d0, h0, 0x01);
    __m512i hi = _mm512_clmulepi64_epi128(d0, h0, 0x11);
    mi = _mm512_ternarylogic_epi32(mi, _mm512_clmulepi64_epi128(d0, h0, 0x10), _mm512_clmulepi64_epi128(d1, h1, 0x01), 0x96);
    lo = _mm512_ternarylogic_epi32(lo, _mm512_clmulepi64_epi128(d1, h1, 0x00), _mm512_clmulepi64_epi128(d2, h2, 0x00), 0x96);
    hi = _mm512_ternarylogic_epi32(hi, _mm512_clmulepi64_epi128(d1, h1, 0x11), _mm512_clmulepi64_epi128(d2, h2, 0x11), 0x96);
    mi = _mm512_ternarylogic_epi32(mi, _mm512_clmulepi64_epi128(d1, h1, 0x10), _mm512_clmulepi64_epi128(d2, h2, 0x01), 0x96);
    mi = _mm512_ternarylogic_epi32(mi, _mm512_clmulepi64_epi128(d2, h2, 0x10), _mm512_clmulepi64_epi128(d3, h3, 0x01), 0x96);
    lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(d3, h3, 0x00));
    hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(d3, h3, 0x11));
    mi = _mm512_xor_si512(mi, _mm512_clmulepi64_epi128(d3, h3, 0x10));
    return hxor(reduce512(lo, mi, hi));
}

/* ---- AES ---- */

static inline __m128i aes_block(const tsg_ctx *c, __m128i x) {
    const unsigned nr = c->rounds;
    x = _mm_xor_si128(x, c->rk[0]);
    for (unsigned r = 1; r < nr; r++) {
        x = _mm_aesenc_si128(x, c->rk[r]);
    }
    return _mm_aesenclast_si128(x, c->rk[nr]);
}

/* Encrypts 16 blocks: four vectors of four. */
static inline void aes16(const tsg_ctx *c, __m512i *x0, __m512i *x1, __m512i *x2, __m512i *x3) {
    const unsigned nr = c->rounds;
    __m512i k = _mm512_broadcast_i32x4(c->rk[0]);
    __m512i a = _mm512_xor_si512(*x0, k), b = _mm512_xor_si512(*x1, k);
    __m512i d = _mm512_xor_si512(*x2, k), e = _mm512_xor_si512(*x3, k);
    for (unsigned r = 1; r < nr; r++) {
        k = _mm512_broadcast_i32x4(c->rk[r]);
        a = _mm512_aesenc_epi128(a, k);
        b = _mm512_aesenc_epi128(b, k);
        d = _mm512_aesenc_epi128(d, k);
        e = _mm512_aesenc_epi128(e, k);
    }
    k = _mm512_broadcast_i32x4(c->rk[nr]);
    *x0 = _mm512_aesenclast_epi128(a, k);
    *x1 = _mm512_aesenclast_epi128(b, k);
    *x2 = _mm512_aesenclast_epi128(d, k);
    *x3 = _mm512_aesenclast_epi128(e, k);
}

#include "aes_key_schedule.h" /* sub_word, aes_expand_key: shared with the key wrap */

/* ---- counter mode and hashing over byte ranges ---- */

#define STEP 256 /* bytes per vector step: 16 blocks */

/* Lane offsets 0..3 and the step of 4 blocks per vector, added to byte-reversed counters (inc32). */
static inline __m512i lane_offsets(void) { return _mm512_set_epi32(0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0); }
static inline __m512i four_blocks(void) { return _mm512_set_epi32(0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4); }

static inline __m128i ctr_next(__m128i *ctr) {
    __m128i block = bswap128(*ctr);
    *ctr = _mm_add_epi32(*ctr, _mm_set_epi32(0, 0, 0, 1));
    return block;
}

/* out = in ^ keystream for len bytes starting at a block boundary; advances ctr. */
static void ctr_crypt(const tsg_ctx *c, __m128i *ctr, const uint8_t *in, uint8_t *out, size_t len) {
    const __m512i bs = _mm512_broadcast_i32x4(BSWAP128), step = four_blocks();
    __m512i cz = _mm512_add_epi32(_mm512_broadcast_i32x4(*ctr), lane_offsets());
    for (; len >= STEP; len -= STEP, in += STEP, out += STEP) {
        __m512i x0 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x1 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x2 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x3 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        aes16(c, &x0, &x1, &x2, &x3);
        _mm512_storeu_si512(out, _mm512_xor_si512(x0, _mm512_loadu_si512(in)));
        _mm512_storeu_si512(out + 64, _mm512_xor_si512(x1, _mm512_loadu_si512(in + 64)));
        _mm512_storeu_si512(out + 128, _mm512_xor_si512(x2, _mm512_loadu_si512(in + 128)));
        _mm512_storeu_si512(out + 192, _mm512_xor_si512(x3, _mm512_loadu_si512(in + 192)));
    }
    *ctr = _mm512_castsi512_si128(cz);
    for (; len >= 16; len -= 16, in += 16, out += 16) {
        __m128i ks = aes_block(c, ctr_next(ctr));
        _mm_storeu_si128((__m128i *)out, _mm_xor_si128(ks, _mm_loadu_si128((const __m128i *)in)));
    }
    if (len > 0) {
        __mmask16 m = (__mmask16)((1u << len) - 1);
        __m128i ks = aes_block(c, ctr_next(ctr));
        _mm_mask_storeu_epi8(out, m, _mm_xor_si128(ks, _mm_maskz_loadu_epi8(m, in)));
    }
}

/* How far ahead the hashing pass prefetches: a chunk read cold from DRAM (a slice read) hashes about 6% faster. */
#define PREFETCH_AHEAD 2048

/* GHASH of len bytes (the last block zero-padded) into acc. */
static __m128i ghash(const tsg_ctx *c, __m128i acc, const uint8_t *in, size_t len) {
    const __m512i bs = _mm512_broadcast_i32x4(BSWAP128);
    for (; len >= STEP; len -= STEP, in += STEP) {
        /* Prefetching past the end of the buffer is harmless: a prefetch never faults. */
        _mm_prefetch((const char *)in + PREFETCH_AHEAD, _MM_HINT_T0);
        _mm_prefetch((const char *)in + PREFETCH_AHEAD + 64, _MM_HINT_T0);
        _mm_prefetch((const char *)in + PREFETCH_AHEAD + 128, _MM_HINT_T0);
        _mm_prefetch((const char *)in + PREFETCH_AHEAD + 192, _MM_HINT_T0);
        acc = ghash16(c, acc, _mm512_shuffle_epi8(_mm512_loadu_si512(in), bs),
                      _mm512_shuffle_epi8(_mm512_loadu_si512(in + 64), bs),
                      _mm512_shuffle_epi8(_mm512_loadu_si512(in + 128), bs),
                      _mm512_shuffle_epi8(_mm512_loadu_si512(in + 192), bs));
    }
    for (; len >= 16; len -= 16, in += 16) {
        acc = gmul(_mm_xor_si128(acc, bswap128(_mm_loadu_si128((const __m128i *)in))), c->h1);
    }
    if (len > 0) {
        __m128i x = _mm_maskz_loadu_epi8((__mmask16)((1u << len) - 1), in);
        acc = gmul(_mm_xor_si128(acc, bswap128(x)), c->h1);
    }
    return acc;
}

/*
 * Whole 256-byte steps: encrypt (in may equal out). Each step's ciphertext is hashed in the next step,
 * beside that step's AES rounds, so the two do not wait on each other (8.1 to 9.4 GB/s measured).
 */
static size_t encrypt_steps(const tsg_ctx *c, __m128i *ctr, __m128i *acc, const uint8_t *in, uint8_t *out, size_t len) {
    if (len < STEP) {
        return 0;
    }
    const __m512i bs = _mm512_broadcast_i32x4(BSWAP128), step = four_blocks();
    __m512i cz = _mm512_add_epi32(_mm512_broadcast_i32x4(*ctr), lane_offsets());
    __m128i a = *acc;
    __m512i p0 = _mm512_setzero_si512(), p1 = p0, p2 = p0, p3 = p0; /* the previous step's ciphertext, reflected */
    size_t done = 0;
    for (; len - done >= STEP; done += STEP) {
        __m512i x0 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x1 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x2 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x3 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        if (done > 0) {
            a = ghash16(c, a, p0, p1, p2, p3);
        }
        aes16(c, &x0, &x1, &x2, &x3);
        x0 = _mm512_xor_si512(x0, _mm512_loadu_si512(in + done));
        x1 = _mm512_xor_si512(x1, _mm512_loadu_si512(in + done + 64));
        x2 = _mm512_xor_si512(x2, _mm512_loadu_si512(in + done + 128));
        x3 = _mm512_xor_si512(x3, _mm512_loadu_si512(in + done + 192));
        _mm512_storeu_si512(out + done, x0);
        _mm512_storeu_si512(out + done + 64, x1);
        _mm512_storeu_si512(out + done + 128, x2);
        _mm512_storeu_si512(out + done + 192, x3);
        p0 = _mm512_shuffle_epi8(x0, bs);
        p1 = _mm512_shuffle_epi8(x1, bs);
        p2 = _mm512_shuffle_epi8(x2, bs);
        p3 = _mm512_shuffle_epi8(x3, bs);
    }
    *acc = ghash16(c, a, p0, p1, p2, p3);
    *ctr = _mm512_castsi512_si128(cz);
    return done;
}

/* Whole 256-byte steps: decrypt and hash the ciphertext in one pass (in may equal out). */
static size_t decrypt_steps(const tsg_ctx *c, __m128i *ctr, __m128i *acc, const uint8_t *in, uint8_t *out, size_t len) {
    const __m512i bs = _mm512_broadcast_i32x4(BSWAP128), step = four_blocks();
    __m512i cz = _mm512_add_epi32(_mm512_broadcast_i32x4(*ctr), lane_offsets());
    __m128i a = *acc;
    size_t done = 0;
    for (; len - done >= STEP; done += STEP) {
        const __m512i c0 = _mm512_loadu_si512(in + done), c1 = _mm512_loadu_si512(in + done + 64);
        const __m512i c2 = _mm512_loadu_si512(in + done + 128), c3 = _mm512_loadu_si512(in + done + 192);
        __m512i x0 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x1 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x2 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        __m512i x3 = _mm512_shuffle_epi8(cz, bs); cz = _mm512_add_epi32(cz, step);
        aes16(c, &x0, &x1, &x2, &x3);
        _mm512_storeu_si512(out + done, _mm512_xor_si512(x0, c0));
        _mm512_storeu_si512(out + done + 64, _mm512_xor_si512(x1, c1));
        _mm512_storeu_si512(out + done + 128, _mm512_xor_si512(x2, c2));
        _mm512_storeu_si512(out + done + 192, _mm512_xor_si512(x3, c3));
        a = ghash16(c, a, _mm512_shuffle_epi8(c0, bs), _mm512_shuffle_epi8(c1, bs),
                    _mm512_shuffle_epi8(c2, bs), _mm512_shuffle_epi8(c3, bs));
    }
    *ctr = _mm512_castsi512_si128(cz);
    *acc = a;
    return done;
}

/* J0 = IV || 0^31 || 1, byte-reversed. */
static inline __m128i j0_reversed(const uint8_t iv[12]) {
    __m128i j0 = _mm_maskz_loadu_epi8((__mmask16)0x0fff, iv);
    return bswap128(_mm_insert_epi8(j0, 1, 15));
}

/* The tag: GHASH finished with the lengths block, then masked with E(K, J0). */
static inline __m128i finish_tag(const tsg_ctx *c, __m128i acc, __m128i j0, size_t aad_len, size_t len) {
    const __m128i lengths = _mm_set_epi64x((long long)((uint64_t)aad_len * 8), (long long)((uint64_t)len * 8));
    acc = gmul(_mm_xor_si128(acc, lengths), c->h1);
    return _mm_xor_si128(bswap128(acc), aes_block(c, bswap128(j0)));
}

/* ---- exported API ---- */

/* Builds the key schedule and the powers of H. Returns 0, or -1 for a key that is not 16, 24 or 32 bytes. */
EXPORT int tsg_init(tsg_ctx *c, const uint8_t *key, size_t key_len) {
    if (key_len != 16 && key_len != 24 && key_len != 32) {
        return -1;
    }
    uint32_t w[60];
    const unsigned nr = aes_expand_key(w, key, key_len), words = 4 * (nr + 1);
    memset(c, 0, sizeof *c);
    memcpy(c->rk, w, (size_t)words * 4);
    explicit_bzero(w, sizeof w);
    c->rounds = nr;

    /* H = E(K, 0^128), byte-reflected, times x^-1: a 1-bit left shift of the 128-bit value with
       the reduction constant XORed in when a bit carries out (done on 64-bit halves, without branches). */
    __m128i h = bswap128(aes_block(c, _mm_setzero_si128()));
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(h), hi = (uint64_t)_mm_extract_epi64(h, 1);
    const uint64_t carry = 0 - (hi >> 63);
    hi = (hi << 1) | (lo >> 63);
    lo <<= 1;
    hi ^= carry & 0xc200000000000000ULL;
    lo ^= carry & 1;
    c->h1 = _mm_set_epi64x((long long)hi, (long long)lo);

    __m128i pw[17];
    pw[1] = c->h1;
    for (int i = 2; i <= 16; i++) {
        pw[i] = gmul(pw[i - 1], c->h1);
    }
    for (int k = 0; k < 4; k++) {
        __m128i lanes[4] = {pw[16 - 4 * k], pw[15 - 4 * k], pw[14 - 4 * k], pw[13 - 4 * k]};
        c->hpow[k] = _mm512_loadu_si512(lanes);
        explicit_bzero(lanes, sizeof lanes);
    }
    explicit_bzero(pw, sizeof pw);
    c->ready = TSG_READY;
    return 0;
}

/* Zeroes a context. */
EXPORT void tsg_wipe(tsg_ctx *c) { explicit_bzero(c, sizeof *c); }

static int check_args(const tsg_ctx *c, size_t len, size_t tag_len) {
    if (c->ready != TSG_READY) return -4;
    if ((uint64_t)len > TSG_MAX_BYTES) return -2;
    if (tag_len < 1 || tag_len > 16) return -3;
    return 0;
}

/*
 * Seals len bytes of in into out (ciphertext, same length; out may equal in) and writes a tag of
 * tag_len bytes. Returns 0, -2 (longer than GCM allows), -3 (tag length) or -4 (uninitialised context).
 */
EXPORT int tsg_seal(const tsg_ctx *c, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag, size_t tag_len) {
    int rc = check_args(c, len, tag_len);
    if (rc != 0) return rc;
    const __m128i j0 = j0_reversed(iv);
    __m128i ctr = _mm_add_epi32(j0, _mm_set_epi32(0, 0, 0, 1));
    __m128i acc = ghash(c, _mm_setzero_si128(), aad, aad_len);
    size_t done = encrypt_steps(c, &ctr, &acc, in, out, len);
    ctr_crypt(c, &ctr, in + done, out + done, len - done);
    acc = ghash(c, acc, out + done, len - done);
    _mm_mask_storeu_epi8(tag, (__mmask16)((1u << tag_len) - 1), finish_tag(c, acc, j0, aad_len, len));
    return 0;
}

static inline int tag_differs(__m128i computed, const uint8_t *tag, size_t tag_len) {
    const __mmask16 m = (__mmask16)((1u << tag_len) - 1);
    const __m128i given = _mm_maskz_loadu_epi8(m, tag);
    const __m128i diff = _mm_maskz_mov_epi8(m, _mm_xor_si128(computed, given));
    return !_mm_testz_si128(diff, diff); /* one test over all bytes: constant time */
}

/*
 * Opens len bytes of ciphertext in with the tag_len-byte tag, releasing plaintext bytes
 * [from, from + out_len) into out (out_len == 0: verify only).
 *   The whole message (from == 0, out_len == len): one pass decrypts and hashes together, then the tag
 *   is compared; on a mismatch out is zeroed before returning (as OpenSSL and the JDK do). One pass
 *   measured 9.2 GB/s against 7.3 for hash-then-decrypt over 1 GiB in 64 KiB messages on Zen 4.
 *   A part, or nothing: the tag is checked first (a hashing pass) and only the range is decrypted, only if
 *   it matched, so nothing unauthenticated is written.
 * Returns 0 (authentic), 1 (tag mismatch: out zeroed), -2/-3/-4 as tsg_seal, or -5 (range outside the message).
 */
EXPORT int tsg_open(const tsg_ctx *c, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t *tag, size_t tag_len,
                    uint8_t *out, size_t from, size_t out_len) {
    int rc = check_args(c, len, tag_len);
    if (rc != 0) return rc;
    if (from > len || out_len > len - from) return -5;
    const __m128i j0 = j0_reversed(iv);
    __m128i acc = ghash(c, _mm_setzero_si128(), aad, aad_len);
    if (from == 0 && out_len == len && len > 0) {
        __m128i ctr = _mm_add_epi32(j0, _mm_set_epi32(0, 0, 0, 1));
        size_t done = decrypt_steps(c, &ctr, &acc, in, out, len);
        acc = ghash(c, acc, in + done, len - done); /* before ctr_crypt: in may equal out */
        ctr_crypt(c, &ctr, in + done, out + done, len - done);
        if (tag_differs(finish_tag(c, acc, j0, aad_len, len), tag, tag_len)) {
            explicit_bzero(out, len);
            return 1;
        }
        return 0;
    }
    acc = ghash(c, acc, in, len);
    if (tag_differs(finish_tag(c, acc, j0, aad_len, len), tag, tag_len)) {
        if (out_len > 0) explicit_bzero(out, out_len);
        return 1;
    }
    if (out_len == 0) return 0;
    /* Counter of the block holding byte `from`: J0 + 1 + from / 16 (inc32 arithmetic). */
    __m128i ctr = _mm_add_epi32(j0, _mm_set_epi32(0, 0, 0, (int)(uint32_t)(1 + from / 16)));
    const size_t skip = from % 16;
    if (skip != 0) {
        uint8_t ks[16];
        _mm_storeu_si128((__m128i *)ks, aes_block(c, ctr_next(&ctr)));
        const size_t first = out_len < 16 - skip ? out_len : 16 - skip;
        for (size_t i = 0; i < first; i++) {
            out[i] = (uint8_t)(in[from + i] ^ ks[skip + i]);
        }
        explicit_bzero(ks, sizeof ks);
        from += first;
        out += first;
        out_len -= first;
    }
    ctr_crypt(c, &ctr, in + from, out, out_len);
    return 0;
}

/* Plain CTR keystream XOR from block counter J0 + 1 + first_block (for tests of the counter arithmetic). */
EXPORT int tsg_ctr(const tsg_ctx *c, const uint8_t *iv, uint32_t first_block, const uint8_t *in, uint8_t *out, size_t len) {
    if (c->ready != TSG_READY) return -4;
    __m128i ctr = _mm_add_epi32(j0_reversed(iv), _mm_set_epi32(0, 0, 0, (int)(1 + first_block)));
    ctr_crypt(c, &ctr, in, out, len);
    return 0;
}

#pragma GCC pop_options
