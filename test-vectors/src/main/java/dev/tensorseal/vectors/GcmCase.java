package dev.tensorseal.vectors;

import java.util.List;

/**
 * One AES-GCM case. Public test data, so plain arrays are fine here (this is not key material of
 * ours). {@code plaintext} is null for NIST {@code FAIL} cases, which give none.
 *
 * @param id            file, section and count or tcId: {@code gcmDecrypt128.rsp#Keylen=128,...,Count=3}
 * @param tagSizeBytes  the tag size the case is run with (NIST {@code Taglen}, Wycheproof {@code tagSize}) in bytes
 * @param flags         Wycheproof flags, empty for other sources
 */
public record GcmCase(
        String id,
        byte[] key,
        byte[] iv,
        byte[] aad,
        byte[] plaintext,
        byte[] ciphertext,
        byte[] tag,
        int tagSizeBytes,
        Expected expected,
        List<String> flags) {

    /** ciphertext || tag, the form our engines take. */
    public byte[] ciphertextAndTag() {
        byte[] out = new byte[ciphertext.length + tag.length];
        System.arraycopy(ciphertext, 0, out, 0, ciphertext.length);
        System.arraycopy(tag, 0, out, ciphertext.length, tag.length);
        return out;
    }
}
