package dev.tensorseal.internal.keys;

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
    private final String description;
    private KeySource pending; // guarded by this; the source still to ask ({@link #onFirstUse}), else null
    private SecretBytes key; // guarded by this; null until asked
    private boolean closed; // guarded by this
    private dev.tensorseal.internal.keys.RecipientsKey bound; // guarded by this; what a header-bound source yielded

    private LoadedKey(SecretBytes key, KeySource pending, String description) {
        this.key = key;
        this.pending = pending;
        this.description = description;
    }

    private LoadedKey(SecretBytes key, String description) {
        this(key, null, description);
    }

    /**
     * Asks {@code source} for its key, once, now; a source whose key is in the file (a recipient identity) is asked
     * when the open has the header in hand ({@link #bindToHeader}).
     */
    public static LoadedKey of(KeySource source) {
        if (source instanceof dev.tensorseal.internal.keys.HeaderBoundKeySource) {
            return onFirstUse(source);
        }
        return new LoadedKey(load(source), source.description());
    }

    /**
     * {@code source}'s key, asked for once, when first needed: a remote open checks the header digest the caller
     * pinned before any key source is asked (a rolled-back object must not make a gated source release its key).
     */
    public static LoadedKey onFirstUse(KeySource source) {
        return new LoadedKey(null, source, source.description());
    }

    private static SecretBytes load(KeySource source) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(KEY_BYTES);
            try {
                source.writeKey(tmp);
                return SecretBytes.copyOf(tmp);
            } finally {
                tmp.fill((byte) 0);
            }
        }
    }

    /** A key already held (copied: the caller keeps and closes {@code master}). */
    public static LoadedKey copyOf(SecretBytes master, String description) {
        return new LoadedKey(SecretBytes.copyOf(master.insecureSegment()), description);
    }

    /**
     * Where the pending source is header-bound (a recipient identity), loads the key it opens from the file's
     * recipient entries; otherwise does nothing (the key is checked against the header either way).
     */
    public synchronized void bindToHeader(java.util.List<dev.tensorseal.internal.keys.RecipientStanza> stanzas, byte[] fileId,
            String source) {
        if (key == null && !closed && pending instanceof dev.tensorseal.internal.keys.HeaderBoundKeySource h) {
            bound = h.keyFor(stanzas, fileId, source);
            key = load(bound);
            pending = null;
        }
    }

    /** Whether the key is still to come from a header-bound source (a recipient identity), which needs a recipient list. */
    public synchronized boolean awaitsHeader() {
        return key == null && !closed && pending instanceof dev.tensorseal.internal.keys.HeaderBoundKeySource;
    }

    /** The key a header-bound source opened (its recipients are what a save of the store writes), or null. */
    public synchronized KeySource boundOrigin() {
        return bound;
    }

    @Override
    public synchronized void writeKey(MemorySegment destination) {
        if (key == null) {
            if (closed) {
                throw new IllegalStateException(description + ": the loaded key was closed before it was needed");
            }
            key = load(pending);
            pending = null;
        }
        MemorySegment.copy(key.insecureSegment(), 0, destination, 0, KEY_BYTES);
    }

    @Override
    public String description() {
        return description;
    }

    /** Zeroes the held key. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        pending = null;
        if (key != null) {
            key.close();
        }
        if (bound != null) {
            bound.close(); // its master secret; its recipient list stays readable for the store that keeps it
        }
    }
}
