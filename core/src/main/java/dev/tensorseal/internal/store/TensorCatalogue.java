package dev.tensorseal.internal.store;

import dev.tensorseal.TensorInfo;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The store's tensors by name, the lookups that enter the lock protocol with one ({@link #shared},
 * {@link #writing}), and the "no such tensor" / "already exists" errors, written here once.
 */
final class TensorCatalogue {
    private final ConcurrentHashMap<String, TensorState> tensors = new ConcurrentHashMap<>();
    private final StoreLock lock;

    TensorCatalogue(StoreLock lock) {
        this.lock = lock;
    }

    static IllegalArgumentException noSuchTensor(String name) {
        return new IllegalArgumentException("no tensor named '" + name + "'");
    }

    static IllegalArgumentException removed(String name) {
        return new IllegalArgumentException("no tensor named '" + name + "' (it was removed)");
    }

    static IllegalArgumentException alreadyExists(String name) {
        return new IllegalArgumentException("tensor '" + name + "' already exists: remove it first, or write to it");
    }

    /**
     * Runs {@code work} on tensor {@code name} under the store's shared lock, once it is known not to have been
     * removed between the lookup and the lock.
     */
    <T> T shared(String name, Function<TensorState, T> work) {
        TensorState st = state(name);
        return lock.shared(() -> {
            st.checkNotRemoved();
            return work.apply(st);
        });
    }

    /**
     * As {@link #shared}, holding the tensor's writer permit (taken first, waiting up to {@code waitNanos}); the permit
     * is released if {@code work} fails, and otherwise stays with what {@code work} returns.
     */
    <T> T writing(String name, long waitNanos, Function<TensorState, T> work) {
        TensorState st = state(name);
        st.acquireWriter(waitNanos);
        try {
            return lock.shared(() -> {
                st.checkNotRemoved();
                return work.apply(st);
            });
        } catch (RuntimeException e) {
            st.releaseWriter();
            throw e;
        }
    }

    /** The tensor, or {@link IllegalArgumentException} naming it. */
    TensorState state(String name) {
        lock.ensureOpen();
        TensorState st = tensors.get(name);
        if (st == null) {
            throw noSuchTensor(name);
        }
        return st;
    }

    /** The tensor, or null (a remove's lookup, which is no error). */
    TensorState find(String name) {
        return tensors.get(name);
    }

    /**
     * Metadata with a fresh random tensor id for a tensor that must not exist yet: refuses a name that is not valid
     * or is taken (the caller holds the shared lock; a racing creator is caught by {@link #add}).
     */
    TensorMeta newMeta(TensorInfo info, StoreConfig config) {
        TensorNames.check(info.name());
        if (tensors.containsKey(info.name())) {
            throw alreadyExists(info.name());
        }
        byte[] id = new byte[TensorMeta.TENSOR_ID_BYTES];
        config.random().nextBytes(id);
        return new TensorMeta(id, info, config.chunkSizeBytes());
    }

    /** Adds {@code st} under its name; false (adding nothing) when another tensor took the name first. */
    boolean add(TensorState st) {
        return tensors.putIfAbsent(st.name(), st) == null;
    }

    void remove(String name) {
        tensors.remove(name);
    }

    void clear() {
        tensors.clear();
    }

    Collection<TensorState> all() {
        return tensors.values();
    }

    /** A copy in name order: what deep rekey and a snapshot walk. */
    List<TensorState> inNameOrder() {
        return List.copyOf(new TreeMap<>(tensors).values());
    }

    Optional<TensorInfo> info(String name) {
        lock.ensureOpen();
        TensorState st = tensors.get(name);
        return st == null ? Optional.empty() : Optional.of(st.table().meta.info());
    }

    /** Every tensor, in name order. */
    List<TensorInfo> list() {
        lock.ensureOpen();
        return inNameOrder().stream().map(st -> st.table().meta.info()).toList();
    }

    int size() {
        return tensors.size();
    }

    long sealedBytes() {
        long sealed = 0;
        for (TensorState st : tensors.values()) {
            sealed += st.table().sealedBytes();
        }
        return sealed;
    }

    /** Every data key a tensor can still seal or open with. */
    Map<DataKey, Boolean> liveKeys() {
        Map<DataKey, Boolean> live = new IdentityHashMap<>();
        for (TensorState st : tensors.values()) {
            live.putAll(st.liveKeys());
        }
        return live;
    }
}
