package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A save can never produce a file that no key opens: the store remembers its key, and refuses any other. */
class SaveKeyTest {
    @TempDir Path dir;

    private static float first(TensorStore s) {
        try (TensorView v = s.read("w")) {
            return v.getFloat(0);
        }
    }

    @Test
    void savingUnderAKeyThatIsNotTheStoresAfterARekeyIsRefusedAndTheOldFileStaysReadable() throws IOException {
        Path file = dir.resolve("m.tseal");
        try (KeySource key1 = StoreFixtures.key(1); KeySource key2 = StoreFixtures.key(2);
                TensorStore store = TensorStore.builder().keySource(key1).build()) {
            store.put("w", new float[] {7f, 8f}, 2);
            SealedFile.save(store, key1, file);
            byte[] before = Files.readAllBytes(file);
            store.rekey(key2);
            UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                    () -> SealedFile.save(store, key1, file));
            assertTrue(e.getMessage().contains("not the key this store is sealed under"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file), "the file was not touched");
            try (TensorStore reopened = SealedFile.open(file, key1)) {
                assertEquals(7f, first(reopened));
            }
            assertEquals(1, Files.list(dir).count(), "no temporary file left beside it");
        }
    }

    @Test
    void saveWithoutAKeyUsesTheStoresCurrentKeyAfterARekey() throws IOException {
        Path file = dir.resolve("m.tseal");
        try (KeySource key1 = StoreFixtures.key(3); KeySource key2 = StoreFixtures.key(4);
                TensorStore store = TensorStore.builder().keySource(key1).build()) {
            store.put("w", new float[] {5f}, 1);
            store.rekey(key2);
            SealedFile.save(store, file);
            try (TensorStore reopened = SealedFile.open(file, key2)) {
                assertEquals(5f, first(reopened));
            }
            assertThrows(IntegrityException.class, () -> SealedFile.open(file, key1).close());
            SealedFile.save(store, key2, file); // the current key is accepted
            try (TensorStore reopened = SealedFile.open(file, key2)) {
                assertEquals(5f, first(reopened));
            }
        }
    }

    @Test
    void aStoreKeyedByAPassphraseSavesItsKdfParametersWithoutBeingAskedAgain() throws IOException {
        Path file = dir.resolve("p.tseal");
        try (KeySource pass = SealedFile.newPassphraseKey("correct horse battery".toCharArray());
                TensorStore store = TensorStore.builder().keySource(pass).build()) {
            store.put("w", new float[] {3f}, 1);
            SealedFile.save(store, file);
        }
        try (TensorStore reopened = SealedFile.open(file, "correct horse battery".toCharArray())) {
            assertEquals(3f, first(reopened));
        }
    }
}
