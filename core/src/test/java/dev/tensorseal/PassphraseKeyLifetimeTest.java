package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.crypto.KeyMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SealedFile#open(Path, char[])} derives a key the caller never sees: the store must zero it. */
class PassphraseKeyLifetimeTest {
    @Test
    void theKeyDerivedFromThePassphraseIsReleasedWhenTheStoreClosesOrTheOpenFails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.tseal");
        char[] passphrase = "correct horse battery".toCharArray();
        try (KeySource k = SealedFile.newPassphraseKey(passphrase); TensorStore s = TensorStore.builder().keySource(k).build()) {
            s.put("t", new float[] {1, 2}, 2);
            SealedFile.save(s, k, file);
        }
        Counting counting = new Counting();
        KeyMemory.Allocator previous = KeyMemory.install(counting);
        counting.delegate = previous;
        try {
            TensorStore store = SealedFile.open(file, passphrase);
            assertTrue(counting.live() >= 3, "the passphrase key, master key and KEK are live while the store is open");
            try (TensorView v = store.read("t")) {
                assertEquals(2f, v.getFloat(1));
            }
            store.close();
            assertEquals(0, counting.live(), "every secret of the open, the passphrase-derived key included, is released");

            assertThrows(IntegrityException.class, () -> SealedFile.open(file, "wrong passphrase".toCharArray()));
            assertEquals(0, counting.live(), "a failed open releases the key it derived");
        } finally {
            KeyMemory.install(previous);
        }
    }

    /** Plain memory (or the installed allocator's), counting the secrets it handed out and not yet got back. */
    private static final class Counting implements KeyMemory.Allocator {
        volatile KeyMemory.Allocator delegate;
        private final Map<Long, Arena> mine = new HashMap<>(); // by address: a null arena is the delegate's

        @Override
        public synchronized MemorySegment allocate(int size) {
            if (delegate != null) {
                MemorySegment s = delegate.allocate(size);
                mine.put(s.address(), null);
                return s;
            }
            Arena a = Arena.ofShared();
            MemorySegment s = a.allocate(size, 64);
            mine.put(s.address(), a);
            return s;
        }

        @Override
        public synchronized void release(MemorySegment segment) {
            if (!mine.containsKey(segment.address())) {
                if (delegate != null) {
                    delegate.release(segment); // allocated before this test installed it
                }
                return;
            }
            Arena a = mine.remove(segment.address());
            if (a != null) {
                segment.fill((byte) 0);
                a.close();
            } else {
                delegate.release(segment);
            }
        }

        synchronized int live() {
            return mine.size();
        }
    }
}
