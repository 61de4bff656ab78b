/*
 * The FIPS 197 key expansion shared by the AES-GCM engine (aes_gcm_vaes.c) and the key wrap (aes_kw.c), with
 * SubWord from AESKEYGENASSIST. Include it inside a region compiled for AES-NI (#pragma GCC target("aes,...")).
 */
#ifndef TENSORSEAL_AES_KEY_SCHEDULE_H
#define TENSORSEAL_AES_KEY_SCHEDULE_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t sub_word(uint32_t w) {
    /* AESKEYGENASSIST: dword 0 of the result is SubWord(dword 1 of the input). */
    return (uint32_t)_mm_cvtsi128_si32(_mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0), 0));
}

/*
 * Expands a 16-, 24- or 32-byte key into w[0 .. 4 * (rounds + 1)) and returns the number of rounds (10, 12, 14).
 * The caller checks key_len and zeroes w when done.
 */
static inline unsigned aes_expand_key(uint32_t w[60], const uint8_t *key, size_t key_len) {
    const unsigned nk = (unsigned)key_len / 4, nr = nk + 6, words = 4 * (nr + 1);
    memcpy(w, key, key_len);
    uint32_t rcon = 1;
    for (unsigned i = nk; i < words; i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = sub_word((t >> 8) | (t << 24)) ^ rcon; /* SubWord(RotWord(t)) ^ Rcon */
            rcon = (rcon << 1) ^ ((rcon >> 7) * 0x11b);
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    return nr;
}

#endif
