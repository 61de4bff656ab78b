package dev.tensorseal;

import dev.tensorseal.internal.crypto.EngineSpec;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.StoreSnapshot;
import dev.tensorseal.testing.Prerequisites;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared set-up for store tests: engines under test, keys, snapshots. */
final class StoreFixtures {
    private StoreFixtures() {}

    /**
     * The engines the store suite runs on: every engine of the registry that runs here. Under CI a missing {@code ossl}
     * fails (CI machines have libcrypto.so.3); elsewhere each one missing is printed with its reason, not silently
     * skipped.
     */
    static List<String> engines() {
        List<String> out = new ArrayList<>();
        for (EngineSpec spec : GcmEngine.registry()) {
            String reason = spec.unavailableReason();
            if (reason == null) {
                out.add(spec.name());
            } else if (spec.name().equals("ossl")) {
                Prerequisites.optional(false, "store suite on ossl: " + reason + "; not run on it");
            } else {
                System.out.println("store suite: engine '" + spec.name() + "' does not run here (" + reason + "); not run on it");
            }
        }
        return out;
    }

    static byte[] keyBytes(long seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        k[0] |= 1; // never all zero
        return k;
    }

    static KeySource key(long seed) {
        return KeySource.bytes(keyBytes(seed));
    }

    static TensorStore.Builder builder(String engine, KeySource key) {
        return TensorStore.builder().keySource(key).engine(engine).chunkSizeBytes(4096).parallelism(2);
    }

    static StoreSnapshot snapshot(TensorStore store) {
        return store.sealed().snapshot();
    }

    /** A second store instance opened from a persisted state (as a .tseal file would be). */
    static TensorStore restore(TensorStore.Builder builder, StoreSnapshot snapshot) {
        return TensorStore.over(SealedStore.restore(builder.config(), snapshot));
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
