package dev.tensorseal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on .tseal files that the store suite (TamperTest: live-store rollback, swaps, wrong key) and
 * SealedFileTest (flipped/swapped/foreign chunks, wrong key vs edited header) do not cover: a chunk rolled
 * back to an older generation in a file, a whole tensor's data swapped in from another file under the same
 * key, and each fixed header field edited on its own.
 */
class FileAdversaryTest {
    @TempDir Path dir;

    static KeySource key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return KeySource.bytes(k);
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, v);
        return f;
    }

    /** The byte offset of tensor {@code name}'s chunk {@code c} in {@code file}. */
    private static long chunkAt(Path file, String name, int c) throws IOException {
        var h = dev.tensorseal.internal.tseal.TsealReader.readUnverified(file);
        return h.tensors().stream().filter(e -> e.info().name().equals(name)).findFirst().orElseThrow().chunkOffsetBytes(c);
    }

    private static IntegrityException readFails(Path file, KeySource key, String tensor) {
        return assertThrows(IntegrityException.class, () -> {
            try (TensorStore s = SealedFile.open(file, key); TensorView v = s.read(tensor)) {
                v.getByte(0);
            }
        });
    }

    @Test
    void aChunkRolledBackToAnOlderGenerationInAFileIsCaught() throws IOException {
        try (KeySource key = key(1); TensorStore store = TensorStore.builder().keySource(key).chunkSizeBytes(4096).build()) {
            store.put("w", filled(4096, 1f), 4096); // 16 KiB: 4 chunks
            Path v1 = dir.resolve("v1.tseal");
            SealedFile.save(store, key, v1);
            store.update("w", 1024, 2f); // chunk 1 re-sealed at a newer generation
            Path v2 = dir.resolve("v2.tseal");
            SealedFile.save(store, key, v2);
            byte[] old = Files.readAllBytes(v1);
            byte[] now = Files.readAllBytes(v2);
            long from = chunkAt(v1, "w", 1);
            long to = chunkAt(v2, "w", 1);
            System.arraycopy(old, (int) from, now, (int) to, 4096 + 16);
            Path rolled = dir.resolve("rolled.tseal");
            Files.write(rolled, now);
            IntegrityException e = readFails(rolled, key, "w");
            assertEquals("w", e.tensor().orElseThrow());
            assertEquals(1, e.chunk().orElseThrow());
            // Whole-file rollback is not detectable from inside: v1 still opens and shows the old value (SECURITY.md).
            try (TensorStore s = SealedFile.open(v1, key); TensorView v = s.read("w")) {
                assertEquals(1f, v.getFloat(1024));
            }
        }
    }

    @Test
    void aTensorSwappedInFromAnotherFileUnderTheSameKeyIsCaught() throws IOException {
        try (KeySource key = key(2)) {
            Path a = dir.resolve("a.tseal");
            Path b = dir.resolve("b.tseal");
            for (Path p : new Path[] {a, b}) {
                try (TensorStore s = TensorStore.builder().keySource(key).chunkSizeBytes(4096).build()) {
                    s.put("w", filled(2048, p == a ? 1f : 2f), 2048); // same name, dtype, shape, chunking
                    SealedFile.save(s, key, p);
                }
            }
            byte[] target = Files.readAllBytes(a);
            byte[] donor = Files.readAllBytes(b);
            long at = chunkAt(a, "w", 0);
            long from = chunkAt(b, "w", 0);
            System.arraycopy(donor, (int) from, target, (int) at, 2 * (4096 + 16) + 32); // both chunks and the gap
            Path swapped = dir.resolve("swapped.tseal");
            Files.write(swapped, target);
            IntegrityException e = readFails(swapped, key, "w");
            assertEquals(0, e.chunk().orElseThrow());
        }
    }

    @Test
    void eachHeaderFieldEditedAloneGivesItsOwnError() throws IOException {
        Path file = dir.resolve("h.tseal");
        try (KeySource key = key(3)) {
            try (TensorStore s = TensorStore.builder().keySource(key).build()) {
                s.put("w", filled(100, 1f), 100);
                SealedFile.save(s, key, file);
            }
            byte[] good = Files.readAllBytes(file);
            // field, offset, expected message fragment (FORMAT.md's reader order decides which check speaks first)
            Object[][] fields = {
                {"magic", 0, "not a .tseal file"},
                {"version", 8, "version"},
                {"header length (still in bounds: another region is MACed)", 12, "header authentication failed"},
                {"file id (the MAC key's salt; not the key check's)", 16, "header authentication failed"},
                {"total length", 32, "header authentication failed"},
                {"kdf kind", 40, "header authentication failed"},
                {"reserved zero", 41, "header authentication failed"},
                {"argon2 memory", 44, "header authentication failed"},
                {"argon2 salt", 56, "header authentication failed"},
                {"key check", 72, "wrong key"},
                {"key check salt", 104, "wrong key"},
                {"body: metadata count", 120, "header authentication failed"},
                {"padding", good.length - 1 - (good.length - 4096 * (good.length / 4096)), "header"},
            };
            int headerBytes = java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(12);
            fields[fields.length - 1][1] = headerBytes - 1;
            for (Object[] f : fields) {
                byte[] d = good.clone();
                d[(int) f[1]] ^= 0x01;
                Path p = dir.resolve("edit.tseal");
                Files.write(p, d);
                TensorSealException e = assertThrows(TensorSealException.class, () -> SealedFile.open(p, key).close(), (String) f[0]);
                assertTrue(e.getMessage().contains((String) f[2]), f[0] + ": " + e.getMessage());
            }
            // and the MAC itself
            byte[] d = good.clone();
            d[headerBytes] ^= 0x01;
            Files.write(dir.resolve("mac.tseal"), d);
            var e = assertThrows(IntegrityException.class, () -> SealedFile.open(dir.resolve("mac.tseal"), key).close());
            assertTrue(e.getMessage().contains("header authentication failed"), e.getMessage());
        }
    }
}
