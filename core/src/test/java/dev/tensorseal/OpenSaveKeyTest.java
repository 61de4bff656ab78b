package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys at open and save, as an independent review found them: one ask of the key source per open, a save that a
 * concurrent rekey cannot split into a file no key opens, and a save of a store whose file shrank named as such.
 */
class OpenSaveKeyTest {
    @TempDir Path dir;

    /** Counts releases; a KMS- or attestation-gated source would do one round trip per call. */
    private static final class Counting implements KeySource {
        final KeySource inner;
        final AtomicInteger asked = new AtomicInteger();

        Counting(KeySource inner) {
            this.inner = inner;
        }

        @Override
        public void writeKey(MemorySegment destination) {
            asked.incrementAndGet();
            inner.writeKey(destination);
        }

        @Override
        public String description() {
            return "counting " + inner.description();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void openingAFileAsksItsKeySourceOnce() throws IOException {
        Path file = dir.resolve("m.tseal");
        try (KeySource key = StoreFixtures.key(1); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[] {1f}, 1);
            SealedFile.save(store, file);
        }
        try (KeySource k = StoreFixtures.key(1); Counting counting = new Counting(k);
                TensorStore reopened = SealedFile.open(file, counting)) {
            assertEquals(1, counting.asked.get(), "KeySource.writeKey calls for one SealedFile.open");
            assertEquals(1, reopened.list().size(), "the reopened store holds the saved tensor");
        }
    }

    @Test
    void verifyingAFileAndRekeyingItAskEachKeySourceOnce() throws IOException {
        Path file = dir.resolve("m.tseal");
        try (KeySource key = StoreFixtures.key(2); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[] {1f}, 1);
            SealedFile.save(store, file);
        }
        try (KeySource k = StoreFixtures.key(2); Counting counting = new Counting(k)) {
            SealedFile.verify(file, counting);
            assertEquals(1, counting.asked.get(), "KeySource.writeKey calls for one SealedFile.verify");
        }
        try (KeySource k = StoreFixtures.key(2); Counting old = new Counting(k); KeySource k3 = StoreFixtures.key(3);
                Counting fresh = new Counting(k3)) {
            SealedFile.rekey(file, old, fresh);
            assertEquals(1, old.asked.get(), "asks of the old key for one rekey");
            assertEquals(1, fresh.asked.get(), "asks of the new key for one rekey");
        }
    }

    /** A save of an opened store reads its chunks from the file once each (pread), never from the mapping. */
    @Test
    void savingAStoreWhoseFileShrankIsAnIntegrityErrorNamingTheFile() throws IOException {
        Path file = dir.resolve("m.tseal");
        try (KeySource key = StoreFixtures.key(5); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[300_000], 300_000); // several chunks
            SealedFile.save(store, file);
        }
        try (KeySource key = StoreFixtures.key(5); TensorStore store = SealedFile.open(file, key)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(file) / 2);
            }
            Exception e = assertThrows(Exception.class, () -> SealedFile.save(store, dir.resolve("copy.tseal")));
            assertTrue(e instanceof IntegrityException && e.getMessage().contains("m.tseal")
                    && e.getMessage().contains("changed or shrank"), "got " + e.getClass().getName() + ": " + e.getMessage());
            assertTrue(Files.notExists(dir.resolve("copy.tseal")), "nothing written");
        }
    }

    /**
     * A save takes the snapshot (data keys wrapped under the KEK of that moment) and the key the header is written
     * under in one hold of the store's lock: a rekey in between would write a file whose header opens under the new
     * key while its data keys are wrapped under the old one. Count-driven: 150 saves while another thread rekeys
     * back and forth; every saved file must open under one of the two keys.
     */
    @Test
    void aSaveRacingARekeyNeverWritesAFileNoKeyOpens() throws Exception {
        int saves = 150;
        int unreadable = 0;
        try (KeySource k1 = StoreFixtures.key(11); KeySource k2 = StoreFixtures.key(12);
                TensorStore store = TensorStore.builder().keySource(k1).build()) {
            store.put("w", new float[] {1f}, 1);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread rekeyer = Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    store.rekey(i % 2 == 0 ? k2 : k1);
                }
            });
            try {
                for (int i = 0; i < saves; i++) {
                    Path f = dir.resolve("s" + i + ".tseal");
                    SealedFile.save(store, f);
                }
            } finally {
                stop.set(true);
                rekeyer.join();
            }
            for (int i = 0; i < saves; i++) {
                Path f = dir.resolve("s" + i + ".tseal");
                if (!opens(f, k1) && !opens(f, k2)) {
                    unreadable++;
                }
            }
        }
        assertEquals(0, unreadable, "saved files that open under neither key, of " + saves);
    }

    private static boolean opens(Path f, KeySource k) {
        try (TensorStore s = SealedFile.open(f, k)) {
            s.list(); // the open itself is the check (header and data keys authenticated under k); any store will do
            return true;
        } catch (IOException | TensorSealException e) {
            return false;
        }
    }
}
