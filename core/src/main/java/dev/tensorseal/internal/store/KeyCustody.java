package dev.tensorseal.internal.store;

import dev.tensorseal.KeySource;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.Hkdf;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store's keys: the master key, the key-encryption key derived from it (HKDF, salt = store id), the source the
 * master key came from, the data keys of open reservations, and data keys retired until no crypto can be using them.
 * Public only for the tests that derive the KEK themselves ({@link #KEK_INFO}); everything else is the store's.
 *
 * <p>Locking is the caller's ({@link StoreLock}): minting and retiring keys under the shared side, zeroing retired
 * ones ({@link #sweep}), re-wrapping and closing under the exclusive side.
 */
public final class KeyCustody {
    static final byte[] KEK_INFO = "tensorseal v1 data-key wrapping key".getBytes(StandardCharsets.US_ASCII);
    static final int STORE_ID_BYTES = 16;

    private final byte[] storeId;
    private final GcmEngine engine;
    private final SecureRandom random;
    /** Insertion-ordered set (DataKey has identity equality): retiring is O(1), so many small tensors seal in linear time. */
    private final Set<DataKey> retired = Collections.newSetFromMap(new LinkedHashMap<>());
    /** Keys of open reservations not yet committed into a table: zeroed at close if still here. */
    private final Set<DataKey> reserved = ConcurrentHashMap.newKeySet();
    private SecretBytes master;
    private SecretBytes kek;
    /** The source {@link #master} came from (at open, or the last rekey): a passphrase key's KDF parameters. */
    private volatile KeySource source;

    /** Loads the master key from {@code source} (asked once) and derives the KEK for {@code storeId}. */
    KeyCustody(KeySource source, byte[] storeId, GcmEngine engine, SecureRandom random) {
        this.storeId = storeId.clone();
        this.engine = engine;
        this.random = random;
        this.master = load(source);
        this.source = source;
        try {
            this.kek = deriveKek(master, this.storeId);
        } catch (RuntimeException e) {
            master.close();
            throw e;
        }
    }

    /** Asks {@code source} for the master key once; an all-zero key is refused. */
    static SecretBytes load(KeySource source) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(KeySource.KEY_BYTES);
            try {
                source.writeKey(tmp);
                SecretBytes m = SecretBytes.copyOf(tmp);
                if (m.isAllZero()) {
                    m.close();
                    throw new UnsupportedParameterException("the master key from " + source.description() + " is all zero");
                }
                return m;
            } finally {
                tmp.fill((byte) 0);
            }
        }
    }

    static SecretBytes deriveKek(SecretBytes master, byte[] storeId) {
        return Hkdf.deriveSecret(master, storeId, KEK_INFO, 32);
    }

    byte[] storeId() {
        return storeId.clone();
    }

    /** The source of the current master key (at open, or the last rekey); may have been closed by its owner. */
    KeySource source() {
        return source;
    }

    /** Records where an already loaded master key came from (an open that asked its source once, before the store). */
    void source(KeySource origin) {
        this.source = origin;
    }

    String engineName() {
        return engine.name();
    }

    // ---- data keys ----

    /** A fresh data key wrapped under the current KEK. */
    DataKey newDataKey() {
        return DataKey.create(random, kek, engine);
    }

    /** A fresh data key for a reservation: kept live (re-wrapped by a rekey, zeroed at close) until it is committed or released. */
    DataKey newReservedKey() {
        DataKey k = newDataKey();
        reserved.add(k);
        return k;
    }

    /** The reservation's key is now in a tensor's table, which keeps it live from here. */
    void adopted(DataKey reservedKey) {
        reserved.remove(reservedKey);
    }

    /** The reservation ended without committing its key: retire it. */
    void released(DataKey reservedKey) {
        if (reserved.remove(reservedKey)) {
            retire(reservedKey);
        }
    }

    /** A persisted data key; a wrong master key (or an altered key table) fails here. */
    DataKey unwrap(StoreSnapshot.WrappedKey w) {
        return DataKey.unwrap(w.keyId(), w.wrappedKey(), kek, engine);
    }

    /** Schedules {@code k} to be zeroed at the next {@link #sweep}: crypto in flight may still use it. */
    void retire(DataKey k) {
        synchronized (retired) {
            retired.add(k);
        }
    }

    void retireAll(Collection<DataKey> keys) {
        synchronized (retired) {
            retired.addAll(keys);
        }
    }

    /** Takes back a retirement: the key turned out to be in use (a restored table adopting an unwrapped key). */
    void unretire(Map<DataKey, Boolean> inUse) {
        synchronized (retired) {
            retired.removeIf(inUse::containsKey);
        }
    }

    /** Zeroes retired keys; only under the exclusive lock, when no crypto is in flight. */
    void sweep() {
        synchronized (retired) {
            for (DataKey k : retired) {
                k.close();
            }
            retired.clear();
        }
    }

    // ---- the master key ----

    /** Whether {@code candidate} is the current master key (constant time). */
    boolean isMaster(SecretBytes candidate) {
        return master.constantTimeEquals(candidate);
    }

    /** A copy of the master key (for a save), zeroed when the caller closes it. */
    SecretBytes copyOfMaster() {
        return SecretBytes.copyOf(master.insecureSegment());
    }

    /**
     * Re-wraps {@code tensorKeys} and every reserved key under a KEK from {@code newMaster}, then swaps all of them,
     * the master key, KEK and source at once (under the exclusive lock: no reader or writer sees a mix); the old
     * master key and KEK are zeroed. On failure nothing changes and {@code newMaster} is zeroed: this takes it over
     * either way.
     */
    void rekey(SecretBytes newMaster, KeySource newSource, Map<DataKey, Boolean> tensorKeys) {
        SecretBytes newKek = null;
        try {
            newKek = deriveKek(newMaster, storeId);
            Map<DataKey, byte[]> wraps = new IdentityHashMap<>();
            for (DataKey k : live(tensorKeys)) {
                wraps.put(k, k.wrapUnder(newKek));
            }
            wraps.forEach(DataKey::installWrapped);
        } catch (RuntimeException e) {
            newMaster.close();
            if (newKek != null) {
                newKek.close();
            }
            throw e;
        }
        master.close();
        kek.close();
        master = newMaster;
        kek = newKek;
        source = newSource;
    }

    /** Zeroes {@code tensorKeys}, every reserved and retired key, the KEK and the master key. Under the exclusive lock. */
    void close(Map<DataKey, Boolean> tensorKeys) {
        retireAll(live(tensorKeys));
        reserved.clear();
        sweep();
        master.close();
        kek.close();
    }

    /** {@code tensorKeys} and the reserved keys: a reservation may still commit, so a rekey must re-wrap its key too. */
    private Collection<DataKey> live(Map<DataKey, Boolean> tensorKeys) {
        Map<DataKey, Boolean> all = new IdentityHashMap<>(tensorKeys);
        for (DataKey k : reserved) {
            all.put(k, Boolean.TRUE);
        }
        return all.keySet();
    }
}
