package dev.tensorseal.internal.store;

import dev.tensorseal.TensorStore;
import java.lang.invoke.MethodHandles;
import java.util.function.Function;

/**
 * Crosses from internal code to the public {@link TensorStore} without widening its API: the file
 * code wraps a restored {@link SealedStore} in a {@code TensorStore}, and reaches the
 * {@code SealedStore} of a public one (to snapshot it). {@code TensorStore} installs the two
 * functions when its class initialises.
 */
public final class StoreBridge {
    private static volatile Function<SealedStore, TensorStore> wrap;
    private static volatile Function<TensorStore, SealedStore> unwrap;

    private StoreBridge() {}

    public static void install(Function<SealedStore, TensorStore> w, Function<TensorStore, SealedStore> u) {
        wrap = w;
        unwrap = u;
    }

    public static TensorStore wrap(SealedStore store) {
        ensureInstalled();
        return wrap.apply(store);
    }

    public static SealedStore unwrap(TensorStore store) {
        ensureInstalled();
        return unwrap.apply(store);
    }

    private static void ensureInstalled() {
        if (wrap == null) {
            try {
                MethodHandles.lookup().ensureInitialized(TensorStore.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot initialise TensorStore", e);
            }
        }
    }
}
