package dev.tensorseal.internal.store.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A key source's key, asked for once and held off-heap for the few steps of one operation that need it (an open
 * checks the header, then the store loads its master): a KMS- or attestation-gated source is asked once per
 * open, not once per step. Described as its origin, so messages still name the key the caller gave.
 */
public final class LoadedKey implements KeySource {
    private final SecretBytes key;
    private final String description;

    private LoadedKey(SecretBytes key, String description) {
        this.key = key;
        this.description = description;
    }

    /** Asks {@code source} for its key, once. */
    public static LoadedKey of(KeySource source) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(KEY_BYTES);
            try {
                source.writeKey(tmp);
                return new LoadedKey(SecretBytes.copyOf(tmp), source.description());
            } finally {
                tmp.fill((byte) 0);
            }
        }
    }

    /** A key already held (copied: the caller keeps and closes {@code master}). */
    public static LoadedKey copyOf(SecretBytes master, String description) {
        return new LoadedKey(SecretBytes.copyOf(master.insecureSegment()), description);
    }

    @Override
    public void writeKey(MemorySegment destination) {
        MemorySegment.copy(key.insecureSegment(), 0, destination, 0, KEY_BYTES);
    }

    @Override
    public String description() {
        return description;
    }

    /** Zeroes the held key. Idempotent. */
    @Override
    public void close() {
        key.close();
    }
}
