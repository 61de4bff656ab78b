package dev.tensorseal.internal.tseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.store.SealedStore;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store of many small tensors is written compactly: small tensors are packed, only tensors of a page or more
 * start on a page, so the file is bounded by its data, tags and table, not by a page per tensor.
 */
class ManySmallTensorsTest {
    private static final int SMALL = 50_000;
    @TempDir Path dir;

    private static byte[] small(int i) {
        return new byte[] {(byte) i, (byte) (i >> 8)};
    }

    @Test
    void fiftyThousandSmallTensorsCostTheirBytesAndTagsNotAPageEachAndReadBack() throws IOException {
        Path file = dir.resolve("many.tseal");
        byte[] big = new byte[70_000];
        new java.util.Random(3).nextBytes(big);
        try (KeySource key = SealedFileTest.keyOf(5); SealedStore s = TsealFiles.newStore(key)) {
            for (int i = 0; i < SMALL; i++) {
                s.put(TensorInfo.of("t" + i, DType.U8, new long[] {2}), MemorySegment.ofArray(small(i)));
                if (i == SMALL / 2) {
                    s.put(TensorInfo.of("big", DType.U8, new long[] {big.length}), MemorySegment.ofArray(big));
                }
            }
            s.put(TensorInfo.of("empty", DType.F32, new long[] {0}), MemorySegment.ofArray(new byte[0]));
            TsealFiles.save(s, key, file, Map.of("source", "store"));
        }
        TsealHeader h = TsealReader.readUnverified(file);
        assertEquals(SMALL + 2, h.tensors().size());
        long dataStart = h.tensors().stream().mapToLong(TsealHeader.Entry::dataOffsetBytes).min().orElseThrow();
        long chunkBytes = 0;
        for (TsealHeader.Entry e : h.tensors()) {
            for (int c = 0; c < e.chunkCount(); c++) {
                chunkBytes += e.chunkBytes(c);
            }
        }
        // One alignment gap before the big tensor and the tail padding: at most a page each.
        long bound = dataStart + chunkBytes + 2L * TsealHeader.PAGE_BYTES;
        assertTrue(Files.size(file) <= bound, "file of " + Files.size(file) + " bytes, bound " + bound);
        TsealHeader.Entry bigEntry = h.tensors().stream().filter(e -> e.info().name().equals("big")).findFirst().orElseThrow();
        assertEquals(0, bigEntry.dataOffsetBytes() % TsealHeader.PAGE_BYTES, "a tensor of a page or more starts on a page");

        try (KeySource key = SealedFileTest.keyOf(5); TensorStore s = SealedFile.open(file, key)) {
            SealedFile.verify(file, key);
            for (int i : List.of(0, 1, SMALL / 2, SMALL / 2 + 1, SMALL - 1)) {
                try (TensorView v = s.read("t" + i)) {
                    assertArrayEquals(small(i), v.toByteArray(), "t" + i);
                }
            }
            try (TensorView v = s.read("big")) {
                assertArrayEquals(big, v.toByteArray());
            }
            assertEquals(0, s.info("empty").orElseThrow().byteSize());
        }
    }
}
