package dev.tensorseal.internal.tseal;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.crypto.Hkdf;
import dev.tensorseal.internal.crypto.HmacSha256;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Keys a .tseal header needs, derived by HKDF-SHA256 from the master key: the header MAC key (salt: the file
 * id) and the key-check value (salt: the header's own random key-check salt, not the file id, so an edited
 * file id fails the MAC as an edited header instead of passing for a wrong key). The data-key wrapping key is
 * the store's (file id as salt, its own label), so a file's wrapped keys are the store's.
 */
final class FileKeys implements AutoCloseable {
    static final byte[] MAC_INFO = "tensorseal v1 file header mac".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CHECK_INFO = "tensorseal v2 file key check".getBytes(StandardCharsets.US_ASCII);
    private final SecretBytes macKey;
    private final byte[] keyCheck;

    FileKeys(KeySource source, byte[] fileId, byte[] keyCheckSalt) {
        try (SecretBytes master = load(source)) {
            this.macKey = Hkdf.deriveSecret(master, fileId, MAC_INFO, 32);
            try (SecretBytes check = Hkdf.deriveSecret(master, keyCheckSalt, CHECK_INFO, 32)) {
                this.keyCheck = check.insecureCopy();
            }
        }
    }

    private static SecretBytes load(KeySource source) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment tmp = arena.allocate(KeySource.KEY_BYTES);
            try {
                source.writeKey(tmp);
                return SecretBytes.copyOf(tmp);
            } finally {
                tmp.fill((byte) 0);
            }
        }
    }

    byte[] keyCheck() {
        return keyCheck.clone();
    }

    boolean keyCheckMatches(byte[] stored) {
        return MessageDigest.isEqual(keyCheck, stored);
    }

    /** The header's HMAC-SHA256; the MAC key is read in place from key memory (never copied to the heap). */
    byte[] mac(byte[] header) {
        return HmacSha256.mac(macKey, header);
    }

    @Override
    public void close() {
        macKey.close();
    }
}
