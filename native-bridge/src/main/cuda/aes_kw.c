/*
 * AES key wrap (NIST SP 800-38F KW, RFC 3394) and key wrap with padding (KWP, RFC 5649) with AES-NI:
 * libtensorseal_keywrap.so, bound in AesKeyWrap.java.
 *
 * Why it exists: the JDK's AES/KW and AES/KWP ciphers copy the key-encryption key into a SecretKeySpec and
 * expand it into an AESCrypt schedule, both Java heap objects no caller can wipe: a core dump of
 * `tensorseal open` held the KEK twice, and with it every data key of the file. Here the KEK is read from
 * the caller's (hardened, off-heap) memory, its schedule and every intermediate block are kept in scratch
 * the caller provides (its key memory too), and that scratch is zeroed before each call returns.
 *
 * Everything branches only on lengths, never on key or data values; AES-NI has no table lookups; the
 * integrity check (the initial value, KWP's length and padding) is computed over every byte without an
 * early exit, and a failed unwrap writes no output. The exported functions other than tkw_supported and
 * the size/version queries use AES-NI: callers must check tkw_supported() first (the Java binding does).
 */
#define _DEFAULT_SOURCE
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

#define TKW_ABI_VERSION 1u
/* The largest input either direction takes: far above any key, and bounds the scratch. */
#define TKW_MAX_BYTES ((size_t)65536)
/* Scratch layout: encryption round keys, decryption round keys, then the register R[1..n] (and A). */
#define SCHEDULE_BYTES (2 * 15 * 16)

#define ERR_LENGTH -2   /* input or output length not valid for the mode */
#define ERR_KEY -3      /* KEK not 16, 24 or 32 bytes */
#define ERR_SCRATCH -4  /* scratch smaller than tkw_scratch_bytes(in_len) */
#define INTEGRITY -1    /* unwrap: the integrity check failed */

EXPORT uint32_t tkw_abi_version(void) { return TKW_ABI_VERSION; }

/* 1 when this CPU has AES-NI. */
EXPORT int tkw_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("aes") ? 1 : 0;
}

/* Scratch bytes a wrap or unwrap of in_len input bytes needs (0 when in_len is over the limit). */
EXPORT size_t tkw_scratch_bytes(size_t in_len) {
    if (in_len > TKW_MAX_BYTES) return 0;
    return SCHEDULE_BYTES + ((in_len + 7) & ~(size_t)7) + 16;
}

#pragma GCC push_options
#pragma GCC target("aes,sse2")

typedef struct {
    __m128i *enc;   /* rounds + 1 round keys */
    __m128i *dec;   /* the equivalent inverse cipher's round keys */
    unsigned rounds;
} schedule;

#include "aes_key_schedule.h" /* sub_word, aes_expand_key: shared with the AES-GCM engine */

/* FIPS 197 key expansion into scratch. */
static schedule expand(uint8_t *scratch, const uint8_t *kek, size_t kek_len, int decrypt) {
    uint32_t w[60];
    const unsigned nr = aes_expand_key(w, kek, kek_len), words = 4 * (nr + 1);
    schedule s = {(__m128i *)scratch, (__m128i *)(scratch + 15 * 16), nr};
    memcpy(s.enc, w, (size_t)words * 4);
    explicit_bzero(w, sizeof w);
    if (decrypt) {
        _mm_storeu_si128(&s.dec[0], _mm_loadu_si128(&s.enc[nr]));
        for (unsigned r = 1; r < nr; r++) {
            _mm_storeu_si128(&s.dec[r], _mm_aesimc_si128(_mm_loadu_si128(&s.enc[nr - r])));
        }
        _mm_storeu_si128(&s.dec[nr], _mm_loadu_si128(&s.enc[0]));
    }
    return s;
}

static inline __m128i encrypt(const schedule *s, __m128i x) {
    x = _mm_xor_si128(x, _mm_loadu_si128(&s->enc[0]));
    for (unsigned r = 1; r < s->rounds; r++) {
        x = _mm_aesenc_si128(x, _mm_loadu_si128(&s->enc[r]));
    }
    return _mm_aesenclast_si128(x, _mm_loadu_si128(&s->enc[s->rounds]));
}

static inline __m128i decrypt(const schedule *s, __m128i x) {
    x = _mm_xor_si128(x, _mm_loadu_si128(&s->dec[0]));
    for (unsigned r = 1; r < s->rounds; r++) {
        x = _mm_aesdec_si128(x, _mm_loadu_si128(&s->dec[r]));
    }
    return _mm_aesdeclast_si128(x, _mm_loadu_si128(&s->dec[s->rounds]));
}

/* A block A || R[i], both 8-byte words kept in memory byte order. */
static inline __m128i block(uint64_t a, uint64_t r) { return _mm_set_epi64x((long long)r, (long long)a); }
static inline uint64_t lo64(__m128i b) { return (uint64_t)_mm_cvtsi128_si64(b); }
static inline uint64_t hi64(__m128i b) { return (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(b, b)); }
/* The step counter t as a big-endian word, in memory byte order. */
static inline uint64_t counter(uint64_t t) { return __builtin_bswap64(t); }

/* SP 800-38F W: six passes over R[0..n-1] (n >= 2) with A. */
static uint64_t wrap_rounds(const schedule *s, uint64_t a, uint64_t *r, size_t n) {
    for (uint64_t j = 0; j < 6; j++) {
        for (size_t i = 0; i < n; i++) {
            __m128i b = encrypt(s, block(a, r[i]));
            a = lo64(b) ^ counter(n * j + i + 1);
            r[i] = hi64(b);
        }
    }
    return a;
}

/* SP 800-38F W^-1. */
static uint64_t unwrap_rounds(const schedule *s, uint64_t a, uint64_t *r, size_t n) {
    for (uint64_t j = 6; j-- > 0;) {
        for (size_t i = n; i-- > 0;) {
            __m128i b = decrypt(s, block(a ^ counter(n * j + i + 1), r[i]));
            a = lo64(b);
            r[i] = hi64(b);
        }
    }
    return a;
}

static inline uint64_t load64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void store64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* 1 when x < y, for x, y < 2^63, without a branch. */
static inline uint64_t less(uint64_t x, uint64_t y) { return (x - y) >> 63; }

static int check(size_t scratch_len, size_t kek_len, size_t in_len) {
    if (kek_len != 16 && kek_len != 24 && kek_len != 32) return ERR_KEY;
    if (in_len > TKW_MAX_BYTES) return ERR_LENGTH;
    if (scratch_len < tkw_scratch_bytes(in_len)) return ERR_SCRATCH;
    return 0;
}

/*
 * Wraps in_len bytes of in into out. KW (padded == 0): in_len a multiple of 8, at least 16; KWP: at least 1.
 * out_len must be the wrapped length (KW: in_len + 8; KWP: in_len rounded up to 8, plus 8).
 * Returns 0, or ERR_LENGTH, ERR_KEY, ERR_SCRATCH. The scratch is zeroed before returning.
 */
EXPORT int tkw_wrap(uint8_t *scratch, size_t scratch_len, const uint8_t *kek, size_t kek_len, int padded,
                    const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len) {
    int rc = check(scratch_len, kek_len, in_len);
    if (rc != 0) return rc;
    const size_t plen = (in_len + 7) & ~(size_t)7;
    if (padded ? in_len < 1 : (in_len < 16 || in_len % 8 != 0)) return ERR_LENGTH;
    if (out_len != plen + 8) return ERR_LENGTH;
    schedule s = expand(scratch, kek, kek_len, 0);
    uint8_t *rbytes = scratch + SCHEDULE_BYTES;
    memset(rbytes, 0, plen);
    memcpy(rbytes, in, in_len);
    uint64_t *r = (uint64_t *)rbytes; /* scratch is 16-byte aligned (the binding checks) */
    /* KW's IV is A6 x 8; KWP's alternative IV is A65959A6 || the 32-bit big-endian message length. */
    uint64_t a = padded ? (uint64_t)0xA65959A6u | ((uint64_t)__builtin_bswap32((uint32_t)in_len) << 32)
                        : 0xA6A6A6A6A6A6A6A6ull;
    if (plen == 8) { /* KWP of at most 8 bytes: one AES block */
        __m128i b = encrypt(&s, block(a, r[0]));
        a = lo64(b);
        r[0] = hi64(b);
    } else {
        a = wrap_rounds(&s, a, r, plen / 8);
    }
    store64(out, a);
    memcpy(out + 8, rbytes, plen);
    explicit_bzero(scratch, tkw_scratch_bytes(in_len));
    return 0;
}

/*
 * Unwraps in_len bytes of in (a multiple of 8; KW at least 24, KWP at least 16) into out (out_len at least
 * in_len - 8). Returns the plaintext length (written to out[0..length)), INTEGRITY when the check fails
 * (out untouched), or ERR_LENGTH, ERR_KEY, ERR_SCRATCH. The scratch is zeroed before returning.
 */
EXPORT int64_t tkw_unwrap(uint8_t *scratch, size_t scratch_len, const uint8_t *kek, size_t kek_len, int padded,
                          const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len) {
    int rc = check(scratch_len, kek_len, in_len);
    if (rc != 0) return rc;
    if (in_len % 8 != 0 || in_len < (padded ? 16u : 24u) || out_len < in_len - 8) return ERR_LENGTH;
    const size_t n = in_len / 8 - 1;
    schedule s = expand(scratch, kek, kek_len, 1);
    uint8_t *rbytes = scratch + SCHEDULE_BYTES;
    memcpy(rbytes, in + 8, in_len - 8);
    uint64_t *r = (uint64_t *)rbytes;
    uint64_t a = load64(in);
    if (n == 1) { /* KWP: one AES block */
        __m128i b = decrypt(&s, block(a, r[0]));
        a = lo64(b);
        r[0] = hi64(b);
    } else {
        a = unwrap_rounds(&s, a, r, n);
    }
    uint64_t bad, length;
    if (padded) {
        /* A = A65959A6 || MLI with 8(n-1) < MLI <= 8n, and every byte from MLI to 8n zero. */
        const uint64_t mli = __builtin_bswap32((uint32_t)(a >> 32));
        bad = (a & 0xffffffffu) ^ 0xA65959A6u;
        bad |= less(mli, 8 * (n - 1) + 1) | less(8 * n, mli);
        uint64_t pad = 0;
        for (size_t i = 0; i < 8 * n; i++) {
            pad |= rbytes[i] & (0 - (1 - less(i, mli))); /* the byte when i >= MLI */
        }
        bad |= pad;
        length = mli;
    } else {
        bad = a ^ 0xA6A6A6A6A6A6A6A6ull;
        length = 8 * n;
    }
    int64_t result = INTEGRITY;
    if (bad == 0) {
        memcpy(out, rbytes, length);
        result = (int64_t)length;
    }
    explicit_bzero(scratch, tkw_scratch_bytes(in_len));
    return result;
}

#pragma GCC pop_options
