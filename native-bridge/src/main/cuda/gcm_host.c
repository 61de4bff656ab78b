/*
 * Host build of the kernel's arithmetic (libtensorseal_gcm_host.so). Two paths:
 *  - gcm_seal/gcm_open: one chunk, textbook sequential GHASH (Horner with H), a plain reference;
 *  - gcm_seal_chunks/gcm_open_chunks: the kernel's batched ABI, running the same per-thread
 *    decomposition (gcm_thread_pass) for t = 0..GCM_THREADS-1 one after the other.
 * Tests compare both with javax.crypto. Not constant-time (see aes_gcm_core.h): a test oracle.
 */
#include "aes_gcm_core.h"

#include <string.h>

#define GCM_TABLE(type, name, n) static const type name[n]
#include "aes_tables.inc"

#define GCM_EXPORT __attribute__((visibility("default")))

static uint32_t gcm_te[1024];
static uint16_t gcm_last8_table[256];

__attribute__((constructor)) static void gcm_host_init(void) {
    gcm_expand_te(GCM_TE0, gcm_te, 0, 1);
    for (unsigned r = 0; r < 256; r++) {
        gcm_last8_table[r] = gcm_last8(r);
    }
}

static void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) {
        *v++ = 0;
    }
}

GCM_EXPORT uint32_t gcm_abi_version(void) { return GCM_ABI_VERSION; }
GCM_EXPORT uint32_t gcm_threads(void) { return GCM_THREADS; }
GCM_EXPORT uint32_t gcm_key_ctx_size(void) { return (uint32_t)sizeof(gcm_key_ctx); }
GCM_EXPORT uint32_t gcm_chunk_desc_size(void) { return (uint32_t)sizeof(gcm_chunk_desc); }

/* int gcm_key_init(const uint8_t key[32], gcm_key_ctx *ctx); */
GCM_EXPORT int gcm_key_init(const uint8_t *key, gcm_key_ctx *ctx) {
    gcm_key_ctx_init(gcm_te, GCM_SBOX, key, ctx);
    return 0;
}

/* Sequential GHASH over AAD || C || lengths, Horner with H and the bitwise multiply of SP 800-38D
 * Algorithm 1: an independent reference for the batched path's 8-bit tables. Returns the tag. */
static void sequential_tag(const gcm_key_ctx *ctx, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                           const uint8_t *ct, size_t len, uint8_t tag[16]) {
    const gcm_u128 h = ctx->h_pow[0];
    gcm_u128 s = gcm_mk(0, 0);
    uint32_t w[4];
    for (size_t off = 0; off < aad_len; off += 16) {
        gcm_load_block(aad + off, (uint32_t)(aad_len - off < 16 ? aad_len - off : 16), w);
        gcm_u128 x = gcm_words_to_u128(w);
        s = gcm_gf_mul(gcm_mk(s.hi ^ x.hi, s.lo ^ x.lo), h);
    }
    for (size_t off = 0; off < len; off += 16) {
        gcm_load_block(ct + off, (uint32_t)(len - off < 16 ? len - off : 16), w);
        gcm_u128 x = gcm_words_to_u128(w);
        s = gcm_gf_mul(gcm_mk(s.hi ^ x.hi, s.lo ^ x.lo), h);
    }
    s = gcm_gf_mul(gcm_mk(s.hi ^ ((uint64_t)aad_len * 8), s.lo ^ ((uint64_t)len * 8)), h);
    gcm_final_tag(gcm_te, ctx->rk, iv, s, tag);
    wipe(&s, sizeof s);
}

static void ctr(const gcm_key_ctx *ctx, const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out) {
    uint32_t ks[4], d[4];
    uint32_t counter = 2;
    for (size_t off = 0; off < len; off += 16, counter++) {
        uint32_t take = (uint32_t)(len - off < 16 ? len - off : 16);
        gcm_ctr_block(gcm_te, ctx->rk, iv, counter, ks);
        gcm_load_block(in + off, take, d);
        for (int i = 0; i < 4; i++) {
            d[i] ^= ks[i];
        }
        gcm_store_block(out + off, take, d);
    }
    wipe(ks, sizeof ks);
}

/* int gcm_seal(key[32], iv[12], aad, aadLen, pt, len, out = ct||tag (len + 16 bytes)); */
GCM_EXPORT int gcm_seal(const uint8_t *key, const uint8_t *iv, const uint8_t *aad, size_t aad_len, const uint8_t *pt,
                        size_t len, uint8_t *out) {
    if (len > 0xffffffe0u) {
        return -1;
    }
    gcm_key_ctx ctx;
    gcm_key_ctx_init(gcm_te, GCM_SBOX, key, &ctx);
    ctr(&ctx, iv, pt, len, out);
    sequential_tag(&ctx, iv, aad, aad_len, out, len, out + len);
    wipe(&ctx, sizeof ctx);
    return 0;
}

/* int gcm_open(key[32], iv[12], aad, aadLen, in = ct||tag, len, out); 0 ok, 1 tag mismatch (out zeroed). */
GCM_EXPORT int gcm_open(const uint8_t *key, const uint8_t *iv, const uint8_t *aad, size_t aad_len, const uint8_t *in,
                        size_t len, uint8_t *out) {
    if (len > 0xffffffe0u) {
        return -1;
    }
    gcm_key_ctx ctx;
    uint8_t tag[16];
    gcm_key_ctx_init(gcm_te, GCM_SBOX, key, &ctx);
    sequential_tag(&ctx, iv, aad, aad_len, in, len, tag);
    int ok = gcm_tag_equal(tag, in + len);
    if (ok) {
        ctr(&ctx, iv, in, len, out);
    } else {
        memset(out, 0, len);
    }
    wipe(&ctx, sizeof ctx);
    wipe(tag, sizeof tag);
    return ok ? 0 : 1;
}

static void run_chunks(const gcm_key_ctx *keys, uint32_t key_count, const gcm_chunk_desc *chunks, uint32_t count,
                       const uint8_t *in, const uint8_t *aad, uint8_t *out, uint32_t *status, int seal) {
    for (uint32_t c = 0; c < count; c++) {
        const gcm_chunk_desc *d = &chunks[c];
        if (d->key_index >= key_count) {
            status[c] = GCM_STATUS_BAD_KEY_INDEX;
            continue;
        }
        const gcm_key_ctx *k = &keys[d->key_index];
        gcm_u128 s = gcm_mk(0, 0);
        for (uint32_t t = 0; t < GCM_THREADS; t++) {
            gcm_u128 p = gcm_thread_pass(gcm_te, k->rk, k->m8_ht, gcm_last8_table, k->h_pow[GCM_THREADS - 1 - t], d->nonce,
                                         aad + d->aad_offset, d->aad_length, in + d->in_offset, out + d->out_offset,
                                         d->length, seal, t);
            s.hi ^= p.hi;
            s.lo ^= p.lo;
        }
        uint8_t tag[16];
        gcm_final_tag(gcm_te, k->rk, d->nonce, s, tag);
        if (seal) {
            memcpy(out + d->out_offset + d->length, tag, 16);
            status[c] = GCM_STATUS_OK;
        } else if (gcm_tag_equal(tag, in + d->in_offset + d->length)) {
            status[c] = GCM_STATUS_OK;
        } else {
            for (uint32_t t = 0; t < GCM_THREADS; t++) {
                gcm_thread_zero(out + d->out_offset, d->length, t);
            }
            status[c] = GCM_STATUS_TAG_MISMATCH;
        }
    }
}

/* void gcm_seal_chunks(keys, keyCount, chunks, count, in, aad, out, status); mirrors tensorseal_gcm_seal. */
GCM_EXPORT void gcm_seal_chunks(const gcm_key_ctx *keys, uint32_t key_count, const gcm_chunk_desc *chunks,
                                uint32_t count, const uint8_t *in, const uint8_t *aad, uint8_t *out,
                                uint32_t *status) {
    run_chunks(keys, key_count, chunks, count, in, aad, out, status, 1);
}

/* void gcm_open_chunks(keys, keyCount, chunks, count, in, aad, out, status); mirrors tensorseal_gcm_open. */
GCM_EXPORT void gcm_open_chunks(const gcm_key_ctx *keys, uint32_t key_count, const gcm_chunk_desc *chunks,
                                uint32_t count, const uint8_t *in, const uint8_t *aad, uint8_t *out,
                                uint32_t *status) {
    run_chunks(keys, key_count, chunks, count, in, aad, out, status, 0);
}
