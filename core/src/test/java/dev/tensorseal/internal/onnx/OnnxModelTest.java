package dev.tensorseal.internal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    @TempDir static Path dir;
    static Arena arena;
    static MemorySegment model;

    @BeforeAll
    static void map() throws IOException {
        Path file = MiniLmModel.extractTo(dir);
        arena = Arena.ofAuto();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            model = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }

    @Test
    void readsEveryInitializerOfMiniLmRawAndTypedAlike() {
        List<OnnxInitializer> inits = OnnxModel.read(model).initializers();
        assertEquals(180, inits.size());
        // shared/reference/onnx-runtime.md says 22,661,632; an independent Python walk of the protobuf agrees with 22,765,327.
        assertEquals(22_765_327L, inits.stream().mapToLong(i -> i.data().byteSize()).sum());
        assertEquals(101, inits.stream().filter(i -> i.dtype().equals("F32")).count());
        assertEquals(72, inits.stream().filter(i -> i.dtype().equals("I8")).count());
        assertEquals(6, inits.stream().filter(i -> i.dtype().equals("U8")).count());
        assertEquals(1, inits.stream().filter(i -> i.dtype().equals("I64")).count());
    }

    @Test
    void rewrittenGraphHoldsNoSixteenByteWindowOfAnyInitializer() {
        OnnxModel m = OnnxModel.read(model);
        byte[] graph = m.rewriteExternal();
        assertTrue(graph.length < 300_000, "rewritten model is " + graph.length + " bytes");
        MemorySegment g = MemorySegment.ofArray(graph);
        int windows = graph.length - 15;
        long[] keys = new long[windows];
        for (int i = 0; i < windows; i++) {
            keys[i] = key(g.get(LONG_LE, i), g.get(LONG_LE, i + 8));
        }
        Arrays.sort(keys);
        long checked = 0;
        for (OnnxInitializer init : m.initializers()) {
            MemorySegment d = init.data();
            for (long at = 0; at + 16 <= d.byteSize(); at++) {
                long first = d.get(LONG_LE, at);
                long second = d.get(LONG_LE, at + 8);
                if (Arrays.binarySearch(keys, key(first, second)) >= 0) {
                    for (int i = 0; i < windows; i++) {
                        assertTrue(g.get(LONG_LE, i) != first || g.get(LONG_LE, i + 8) != second,
                                "16 bytes of '" + init.name() + "' at " + at + " appear in the rewritten graph at " + i);
                    }
                }
                checked++;
            }
        }
        assertTrue(checked > 22_000_000L, "checked " + checked + " windows");
    }

    /** A 64-bit mix of a 16-byte window: equal windows give equal keys; a key hit is confirmed byte by byte. */
    private static long key(long first, long second) {
        return first * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(second, 31) * 0xC2B2AE3D27D4EB4FL;
    }

    @Test
    void rewrittenGraphKeepsEveryInitializerAsExternalWithItsLength() {
        OnnxModel m = OnnxModel.read(model);
        MemorySegment rewritten = MemorySegment.ofArray(m.rewriteExternal());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(rewritten));
        assertTrue(e.getMessage().contains("external"), e.getMessage());
    }

    @Test
    void truncatedModelFailsWithPosition() {
        MemorySegment cut = model.asSlice(0, model.byteSize() / 2);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(cut));
        assertTrue(e.getMessage().contains("past the end") || e.getMessage().contains("truncated"), e.getMessage());
    }
}
