package dev.tensorseal.internal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed safetensors and ONNX input to the importers: each random edit, truncation or length value ends in
 * a TensorSealException (SafetensorsException, OnnxFormatException...) with no output file left, or in a
 * sealed file that verifies. Never another exception type, an OutOfMemoryError or a hang (30 s guard).
 */
class ImporterFuzzTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    @TempDir static Path dir;
    static KeySource key;
    static byte[] safetensors;
    static byte[] onnx;

    @BeforeAll
    static void inputs() throws IOException {
        byte[] k = new byte[32];
        new Random(8).nextBytes(k);
        key = KeySource.bytes(k);
        Path st = dir.resolve("seed.safetensors");
        try (FileChannel ch = FileChannel.open(st, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var w = new SafetensorsWriter(ch, List.of(new SafetensorsWriter.Declared("w", "F32", new long[] {2, 3}),
                    new SafetensorsWriter.Declared("b", "I64", new long[] {2})), Map.of("format", "pt"));
            w.write(ByteBuffer.wrap(new byte[24 + 16]));
            w.finish();
        }
        safetensors = Files.readAllBytes(st);
        onnx = tinyModel();
    }

    /** ModelProto{ir_version 8, graph{name "g", initializer w: F32 [2,3] raw, initializer i: I64 [2] typed}}. */
    static byte[] tinyModel() {
        ProtoWriter raw = new ProtoWriter();
        raw.varintField(1, 2);
        raw.varintField(1, 3);
        raw.varintField(2, 1);
        raw.stringField(8, "w");
        raw.bytesField(9, new byte[24]);
        ProtoWriter typed = new ProtoWriter();
        typed.varintField(1, 2);
        typed.varintField(2, 7);
        typed.stringField(8, "i");
        typed.varintField(7, 5);
        typed.varintField(7, -1);
        ProtoWriter graph = new ProtoWriter();
        graph.stringField(2, "g");
        graph.bytesField(5, raw.toByteArray());
        graph.bytesField(5, typed.toByteArray());
        ProtoWriter model = new ProtoWriter();
        model.varintField(1, 8);
        model.bytesField(7, graph.toByteArray());
        return model.toByteArray();
    }

    /** Imports {@code input}; a clean failure must leave no output, a success must verify. */
    private static void importsCleanly(byte[] input, String suffix, String what) {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            Path in = Files.createTempFile(dir, "in", suffix);
            Path out = dir.resolve(in.getFileName() + ".tseal");
            Files.write(in, input);
            try {
                if (suffix.equals(".onnx")) {
                    SealedFile.importOnnx(in, key, out);
                } else {
                    SealedFile.importSafetensors(in, key, out);
                }
                SealedFile.verify(out, key);
            } catch (TensorSealException expected) {
                assertFalse(Files.exists(out), what + ": output left behind after " + expected.getMessage());
            } catch (Throwable other) {
                throw new AssertionError(what + ": " + other.getClass().getName() + " instead of a TensorSealException", other);
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
            try (var left = Files.list(dir)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), what + ": temp file left");
            }
        }, what + ": hang");
    }

    private static byte[] edited(byte[] base, int at, int xor) {
        byte[] d = base.clone();
        d[at % d.length] ^= (byte) xor;
        return d;
    }

    @Test
    void editedSafetensorsBytesImportOrFailCleanly() {
        qt().withExamples(120).forAll(integers().between(0, safetensors.length - 1), integers().between(1, 255))
                .checkAssert((at, xor) -> importsCleanly(edited(safetensors, at, xor), ".safetensors", "byte " + at + " ^ " + xor));
    }

    @Test
    void truncatedOrExtendedSafetensorsFailCleanly() {
        qt().withExamples(60).forAll(integers().between(0, safetensors.length + 300)).checkAssert(len ->
                importsCleanly(Arrays.copyOf(safetensors, len), ".safetensors", "length " + len));
    }

    @Test
    void anySafetensorsHeaderLengthFailsCleanly() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(len -> {
            byte[] d = safetensors.clone();
            ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
            importsCleanly(d, ".safetensors", "header length " + Long.toUnsignedString(len));
        });
    }

    @Test
    void theTinyModelParses() {
        assertEquals(2, OnnxModel.read(MemorySegment.ofArray(onnx)).initializers().size());
    }

    @Test
    void editedOnnxBytesImportOrFailCleanly() {
        qt().withExamples(150).forAll(integers().between(0, onnx.length - 1), integers().between(1, 255))
                .checkAssert((at, xor) -> importsCleanly(edited(onnx, at, xor), ".onnx", "byte " + at + " ^ " + xor));
    }

    @Test
    void truncatedOrExtendedOnnxFailCleanly() {
        qt().withExamples(40).forAll(integers().between(0, onnx.length + 40), integers().all()).checkAssert((len, seed) -> {
            byte[] d = Arrays.copyOf(onnx, len);
            for (int i = onnx.length; i < len; i++) {
                d[i] = (byte) (seed >>> (i % 4 * 8));
            }
            importsCleanly(d, ".onnx", "length " + len);
        });
    }

    @Test
    void absurdVarintLengthsInOnnxFailCleanly() {
        // The graph field's length varint replaced by a huge value: must be bounded, not allocated.
        qt().withExamples(40).forAll(longs().between(1, Long.MAX_VALUE)).checkAssert(len -> {
            ProtoWriter w = new ProtoWriter();
            w.tag(7, 2);
            w.varint(len);
            byte[] head = w.toByteArray();
            byte[] d = Arrays.copyOf(head, head.length + 16);
            importsCleanly(d, ".onnx", "graph length " + len);
        });
    }
}
