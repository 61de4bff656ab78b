package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.Smaps;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** A store's views live in the native bridge's hardened pages, as the kernel sees them. */
class HardenedViewsTest {
    @Test
    void viewPagesAreDontDumpWipeOnForkAndGuarded() throws Exception {
        assertTrue(SecureMemory.system().isAvailable(),
                () -> "the native bridge must be available in tests: " + SecureMemory.system().status().summary());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        float[] data = new float[100_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f;
        }
        try (TensorStore store = TensorStore.builder().keySource(KeySource.bytes(key)).build()) {
            store.put("w", data, data.length);
            try (TensorView view = store.read("w")) {
                long address = view.segment().address();
                Smaps.Mapping mapping = Smaps.containing(address).orElseThrow();
                assertTrue(mapping.vmFlags().contains("dd"), () -> "no MADV_DONTDUMP on view pages: " + mapping.describe());
                assertTrue(mapping.vmFlags().contains("wf") || mapping.vmFlags().contains("dc"),
                        () -> "neither wipe-on-fork nor dont-copy on view pages: " + mapping.describe());
                Smaps.Mapping after = Smaps.containing(mapping.end()).orElseThrow();
                assertTrue(after.isNoAccess(), () -> "no guard page after the view: " + after.describe());
                assertEquals(99_999 * 0.5f, view.segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 99_999));
            }
        }
    }
}
