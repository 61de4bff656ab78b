package dev.tensorseal.internal.tseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.store.SealedStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedFileTest {
    @TempDir Path dir;
    KeySource key;
    Path sealed;

    static KeySource keyOf(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return KeySource.bytes(k);
    }

    /** A safetensors file with a tensor spanning several 64 KiB chunks. */
    private Path sample(String name, int seed) throws IOException {
        Path p = dir.resolve(name);
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            var w = new dev.tensorseal.internal.safetensors.SafetensorsWriter(ch, List.of(
                    new dev.tensorseal.internal.safetensors.SafetensorsWriter.Declared("big", "F32", new long[] {70_000}),
                    new dev.tensorseal.internal.safetensors.SafetensorsWriter.Declared("small", "I8", new long[] {3}),
                    new dev.tensorseal.internal.safetensors.SafetensorsWriter.Declared("none", "F16", new long[] {0})),
                    Map.of("format", "pt"));
            byte[] data = new byte[280_003];
            new Random(seed).nextBytes(data);
            w.write(java.nio.ByteBuffer.wrap(data));
            w.finish();
        }
        return p;
    }

    @BeforeEach
    void seal() throws IOException {
        key = keyOf(1);
        sealed = dir.resolve("m.tseal");
        SealedFile.importSafetensors(sample("m.safetensors", 7), key, sealed);
    }

    @Test
    void safetensorsRoundTripIsByteIdentical() throws IOException {
        Path back = dir.resolve("back.safetensors");
        SealedFile.exportSafetensors(sealed, key, back);
        assertArrayEquals(Files.readAllBytes(dir.resolve("m.safetensors")), Files.readAllBytes(back));
        assertEquals(0, Files.size(sealed) % 4096);
    }

    @Test
    void shardedRoundTripReproducesShardsAndIndex() throws IOException {
        sample("model-00001-of-00002.safetensors", 3);
        Path shard2 = dir.resolve("model-00002-of-00002.safetensors");
        try (var ch = java.nio.channels.FileChannel.open(shard2, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            var w = new dev.tensorseal.internal.safetensors.SafetensorsWriter(ch, List.of(
                    new dev.tensorseal.internal.safetensors.SafetensorsWriter.Declared("head", "BF16", new long[] {2, 2})), Map.of());
            w.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            w.finish();
        }
        String s1 = "model-00001-of-00002.safetensors";
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\":{\"total_size\":280011},\"weight_map\":{\"big\":\"" + s1 + "\",\"small\":\"" + s1
                + "\",\"none\":\"" + s1 + "\",\"head\":\"model-00002-of-00002.safetensors\"}}");
        Path t = dir.resolve("sharded.tseal");
        SealedFile.importSafetensors(index, key, t);
        Path out = Files.createDirectory(dir.resolve("out")).resolve("model.safetensors.index.json");
        SealedFile.exportSafetensors(t, key, out);
        assertArrayEquals(Files.readAllBytes(dir.resolve(s1)), Files.readAllBytes(out.resolveSibling(s1)));
        assertArrayEquals(Files.readAllBytes(shard2), Files.readAllBytes(out.resolveSibling(shard2.getFileName())));
        try (var c = dev.tensorseal.internal.safetensors.ShardedCheckpoint.open(out)) {
            assertEquals("280011", c.index().metadataJson().get("total_size"));
        }
    }

    @Test
    void openIsLazyAndReadsDecryptTheTensor() throws IOException {
        try (TensorStore s = SealedFile.open(sealed, key); TensorView v = s.read("small")) {
            byte[] all = Files.readAllBytes(dir.resolve("m.safetensors"));
            assertArrayEquals(Arrays.copyOfRange(all, all.length - 3, all.length), v.toByteArray());
        }
    }

    private String failure(Path file, KeySource k) {
        return assertThrows(IntegrityException.class, () -> SealedFile.verify(file, k)).getMessage();
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 1);
        }
    }

    @Test
    void wrongKeyIsToldApartFromAnEditedHeader() throws IOException {
        assertTrue(failure(sealed, keyOf(2)).contains("wrong key"));
        for (long at : new long[] {40, 200, 300, 4000}) {
            Path copy = Files.copy(sealed, dir.resolve("h" + at + ".tseal"));
            flip(copy, at);
            String m = failure(copy, key);
            assertTrue(m.contains("header authentication failed"), at + ": " + m);
        }
    }

    @Test
    void editedFileIdIsAnEditedHeaderNotAWrongKey() throws IOException {
        for (long at : new long[] {16, 31}) {
            Path copy = Files.copy(sealed, dir.resolve("id" + at + ".tseal"));
            flip(copy, at);
            String m = failure(copy, key);
            assertTrue(m.contains("header authentication failed") && !m.contains("wrong key"), at + ": " + m);
        }
    }

    @Test
    void filesUnderOneKeyHaveDifferentKeyCheckValues() throws IOException {
        Path again = dir.resolve("again.tseal");
        SealedFile.importSafetensors(dir.resolve("m.safetensors"), key, again);
        byte[] a = java.util.Arrays.copyOfRange(Files.readAllBytes(sealed), 72, 104);
        byte[] b = java.util.Arrays.copyOfRange(Files.readAllBytes(again), 72, 104);
        assertTrue(!java.util.Arrays.equals(a, b), "key check values repeat across files: they would link files to one key");
    }

    @Test
    void modifiedBytesBetweenTensorsAndInTheTailAreIntegrityFailuresNamingTheOffset() throws IOException {
        Path gapped = dir.resolve("gapped.tseal");
        try (SealedStore s = TsealFiles.newStore(key)) {
            // Written in name order: "a" packed after the header, "b" on the next page, a gap between them.
            s.put(TensorInfo.of("a", dev.tensorseal.DType.I8, new long[] {3}), MemorySegment.ofArray(new byte[] {1, 2, 3}));
            s.put(TensorInfo.of("b", dev.tensorseal.DType.U8, new long[] {70_000}), MemorySegment.ofArray(new byte[70_000]));
            TsealFiles.save(s, key, gapped, Map.of("source", "store"));
        }
        sealed = gapped;
        TsealHeader h = TsealReader.readUnverified(sealed);
        TsealHeader.Entry small = h.tensors().get(0);
        TsealHeader.Entry last = h.tensors().get(h.tensors().size() - 1);
        long between = small.endBytes() + 7; // in the alignment gap before the big tensor
        long tail = last.endBytes() + 1;
        assertTrue(between < h.tensors().get(1).dataOffsetBytes() && tail < Files.size(sealed), "the sample has gaps");
        for (long at : new long[] {between, tail}) {
            Path copy = Files.copy(sealed, dir.resolve("gap" + at + ".tseal"));
            flip(copy, at);
            String m = failure(copy, key);
            assertTrue(m.contains("bytes between chunks were modified") && m.contains("offset " + at), at + ": " + m);
        }
        SealedFile.verify(sealed, key); // the untouched file still verifies
    }

    @Test
    void chunksArePackedSoTheFileOverheadStaysUnderOneThousandth() {
        TsealHeader.Entry e = new TsealHeader.Entry(new byte[16], dev.tensorseal.TensorInfo.of("t", dev.tensorseal.DType.U8,
                new long[] {1L << 30}), 64 << 10, 4096, new int[16384], new long[16384]);
        long chunks = 16384;
        long sealedBytes = (e.endBytes() - 4096) + chunks * 12; // chunk data plus the table entries (u32 + u64)
        assertEquals((1L << 30) + chunks * (16 + 12), sealedBytes);
        double overhead = sealedBytes / (double) (1L << 30);
        assertTrue(overhead - 1 < 0.001, "overhead ratio " + overhead);
    }

    @Test
    void appendedOrRemovedBytesAreNamed() throws IOException {
        Path longer = Files.copy(sealed, dir.resolve("longer.tseal"));
        Files.write(longer, new byte[1], java.nio.file.StandardOpenOption.APPEND);
        assertTrue(failure(longer, key).contains("appended"));
        Path shorter = Files.copy(sealed, dir.resolve("shorter.tseal"));
        try (RandomAccessFile f = new RandomAccessFile(shorter.toFile(), "rw")) {
            f.setLength(f.length() - 4096);
        }
        assertTrue(failure(shorter, key).contains("removed"));
    }

    @Test
    void flippedSwappedAndForeignChunksFailNamingTensorAndChunk() throws IOException {
        TsealHeader h = TsealReader.readUnverified(sealed);
        TsealHeader.Entry big = h.tensors().stream().filter(e -> e.info().name().equals("big")).findFirst().orElseThrow();
        Path flipped = Files.copy(sealed, dir.resolve("flip.tseal"));
        flip(flipped, big.chunkOffsetBytes(2) + 5);
        String m = failure(flipped, key);
        assertTrue(m.contains("big") && m.contains("2"), m);

        Path swapped = Files.copy(sealed, dir.resolve("swap.tseal"));
        byte[] all = Files.readAllBytes(sealed);
        int stride = (int) big.strideBytes();
        byte[] file = all.clone();
        System.arraycopy(all, (int) big.chunkOffsetBytes(0), file, (int) big.chunkOffsetBytes(1), stride);
        System.arraycopy(all, (int) big.chunkOffsetBytes(1), file, (int) big.chunkOffsetBytes(0), stride);
        Files.write(swapped, file);
        m = failure(swapped, key);
        assertTrue(m.contains("big") && m.contains("0"), m);

        Path other = dir.resolve("other.tseal");
        SealedFile.importSafetensors(dir.resolve("m.safetensors"), key, other);
        byte[] foreign = Files.readAllBytes(other);
        byte[] mixed = all.clone();
        System.arraycopy(foreign, (int) big.chunkOffsetBytes(1), mixed, (int) big.chunkOffsetBytes(1), stride);
        Path m2 = dir.resolve("foreign.tseal");
        Files.write(m2, mixed);
        m = failure(m2, key);
        assertTrue(m.contains("big") && m.contains("1"), m);
    }

    @Test
    void absurdHeaderLengthIsBoundedNotAllocated() throws IOException {
        Path bad = Files.copy(sealed, dir.resolve("len.tseal"));
        try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
            f.seek(12);
            f.write(new byte[] {-1, -1, -1, 0x7f});
        }
        assertTrue(failure(bad, key).contains("header length"));
    }

    @Test
    void rekeyRewrapsAndTheOldKeyNoLongerOpens() throws IOException {
        KeySource next = keyOf(9);
        SealedFile.rekey(sealed, key, next);
        SealedFile.verify(sealed, next);
        assertTrue(failure(sealed, key).contains("wrong key"));
    }

    @Test
    void failedWriteLeavesNoFile() throws IOException {
        Path out = dir.resolve("never.tseal");
        assertThrows(IntegrityException.class, () -> SealedFile.exportSafetensors(sealed, keyOf(5), out));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("never")));
        }
    }
}
