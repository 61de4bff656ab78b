package dev.tensorseal.internal.store;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.InsecureNonceAesGcm;
import dev.tensorseal.internal.crypto.KeyWrap;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One data key (DEK) of one tensor and one write epoch: its random id, its RFC 5649 wrapped form
 * under the current KEK, the unwrapped key off-heap, and a pool of keyed engine instances so the hot
 * path never re-keys a cipher. Closed only when no crypto can be in flight (the store's exclusive lock).
 */
final class DataKey {
    static final int DEK_BYTES = 32;
    static final int TAG_BYTES = 16;

    private final byte[] keyId;
    private volatile byte[] wrapped;
    private final SecretBytes secret;
    private final GcmEngine engine;
    private final ConcurrentLinkedQueue<InsecureNonceAesGcm> instances = new ConcurrentLinkedQueue<>();

    private DataKey(byte[] keyId, byte[] wrapped, SecretBytes secret, GcmEngine engine) {
        this.keyId = keyId;
        this.wrapped = wrapped;
        this.secret = secret;
        this.engine = engine;
    }

    /** A fresh DEK with a fresh 128-bit id, wrapped under {@code kek}. */
    static DataKey create(SecureRandom random, SecretBytes kek, GcmEngine engine) {
        byte[] id = new byte[ChunkAad.KEY_ID_BYTES];
        random.nextBytes(id);
        SecretBytes dek = SecretBytes.random(DEK_BYTES, random);
        try {
            return new DataKey(id, KeyWrap.wrapKey(kek, dek), dek, engine);
        } catch (RuntimeException e) {
            dek.close();
            throw e;
        }
    }

    /** A DEK from a persisted table; unwrapping under the wrong KEK is an {@link IntegrityException}. */
    static DataKey unwrap(byte[] keyId, byte[] wrapped, SecretBytes kek, GcmEngine engine) {
        if (keyId.length != ChunkAad.KEY_ID_BYTES) {
            throw new IntegrityException("key id must be " + ChunkAad.KEY_ID_BYTES + " bytes, got " + keyId.length);
        }
        SecretBytes dek;
        try {
            dek = KeyWrap.unwrapKey(kek, wrapped);
        } catch (IntegrityException e) {
            throw new IntegrityException("data key " + HexFormat.of().formatHex(keyId)
                    + " did not unwrap: wrong master key, or the key table was altered");
        }
        if (dek.size() != DEK_BYTES) {
            dek.close();
            throw new IntegrityException("data key " + HexFormat.of().formatHex(keyId) + " unwrapped to "
                    + dek.size() + " bytes, expected " + DEK_BYTES);
        }
        return new DataKey(keyId.clone(), wrapped.clone(), dek, engine);
    }

    byte[] keyId() {
        return keyId;
    }

    byte[] wrapped() {
        return wrapped.clone();
    }

    /** The wrapped form under another KEK (not installed: see {@link #installWrapped}). */
    byte[] wrapUnder(SecretBytes kek) {
        return KeyWrap.wrapKey(kek, secret);
    }

    void installWrapped(byte[] w) {
        this.wrapped = w;
    }

    /** The raw key, for building GPU key contexts; valid until {@link #close()}. The one access point outside engines. */
    java.lang.foreign.MemorySegment insecureKeySegment() {
        return secret.insecureSegment();
    }

    InsecureNonceAesGcm borrow() {
        InsecureNonceAesGcm c = instances.poll();
        return c != null ? c : engine.newInstance(secret, TAG_BYTES);
    }

    void giveBack(InsecureNonceAesGcm c) {
        instances.offer(c);
    }

    /** Zeroes the key and drops every engine instance's schedule. */
    void close() {
        InsecureNonceAesGcm c;
        while ((c = instances.poll()) != null) {
            c.close();
        }
        secret.close();
    }

    @Override
    public String toString() {
        return "DataKey[" + HexFormat.of().formatHex(keyId) + "]";
    }
}
