package dev.tensorseal.cli;

import static dev.tensorseal.cli.FileCommandsTest.assertOneLineError;
import static dev.tensorseal.cli.FileCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edited headers, inputs that are not regular files, links out of a checkpoint's folder, names the importer
 * cannot keep: each is one clear line with the right exit code, never an internal error or a hang.
 */
class HostileInputTest {
    /** Hang guard only: a FIFO that is opened blocks forever. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(2);
    @TempDir Path dir;
    Path key;
    Path sealed;

    @BeforeEach
    void setUp() throws IOException {
        key = dir.resolve("k.key");
        assertEquals(0, run("keygen", "-o", key.toString()).code());
        Path model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 9);
        sealed = dir.resolve("m.tseal");
        assertEquals(0, run("seal", model.toString(), "-o", sealed.toString(), "--key-file", key.toString()).code());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not in the header");
    }

    /** A copy of the sealed file with one edit in its header region. */
    private Path edited(String name, UnaryOperator<byte[]> edit) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, edit.apply(Files.readAllBytes(sealed)));
        return p;
    }

    private static byte[] lengthPrefixed(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).put(b).array();
    }

    @Test
    void anEditedDtypeDimensionOrNameIsAnIntegrityFailureAndNoHeaderByteIsPrinted() throws IOException {
        Path dtype = edited("dtype.tseal", f -> {
            int at = indexOf(f, lengthPrefixed("BF16")) + 4;
            f[at + 3] = '7'; // "BF17"
            return f;
        });
        Path dim = edited("dim.tseal", f -> {
            int at = indexOf(f, lengthPrefixed("F32")) + 4 + 3 + 4; // after the dtype and the rank: the first dimension
            ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(at, -1);
            return f;
        });
        Path name = edited("name.tseal", f -> {
            f[indexOf(f, lengthPrefixed("w")) + 4] = 0x1b; // ESC: must not reach the terminal either
            return f;
        });
        for (Path p : List.of(dtype, dim, name)) {
            for (String command : List.of("verify", "open", "inspect")) {
                List<String> args = new java.util.ArrayList<>(List.of(command, p.toString(), "--key-file", key.toString()));
                if (command.equals("open")) {
                    args.addAll(List.of("-o", dir.resolve("out.safetensors").toString()));
                }
                var r = run(args.toArray(String[]::new));
                assertOneLineError(r, 1, "header");
                assertFalse(r.err().contains("BF17") || r.err().contains("\u001b") || r.err().contains("-1"), r.err());
            }
            var unverified = run("inspect", p.toString());
            assertTrue(unverified.code() == 0 || unverified.code() == 1, p + ": " + unverified.err());
            assertFalse((unverified.out() + unverified.err()).contains("BF17") || unverified.out().contains("\u001b"),
                    unverified.out() + unverified.err());
        }
        assertFalse(Files.exists(dir.resolve("out.safetensors")));
        var r = run("inspect", dtype.toString());
        assertOneLineError(r, 1, "tensor #0 has an invalid name, dtype or shape");
    }

    @Test
    void aSafetensorsTensorWithAnEmptyNameIsAClearUsageError() throws IOException {
        Path p = dir.resolve("empty.safetensors");
        byte[] json = "{\"\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}".getBytes(StandardCharsets.UTF_8);
        Files.write(p, ByteBuffer.allocate(8 + json.length + 1).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json)
                .put((byte) 5).array());
        var r = run("seal", p.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", key.toString());
        assertOneLineError(r, 2, "empty name");
        assertFalse(r.err().contains("internal error"), r.err());
        assertFalse(Files.exists(dir.resolve("x.tseal")));
    }

    /** Minimal protobuf: ModelProto.graph(7) { initializer(5) { dims(1)..., data_type(2), name(8), raw_data(9) } }. */
    private static byte[] onnx(String name, int dataType, long[] dims, byte[] raw) {
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        for (long d : dims) {
            varint(t, 1 << 3);
            varint(t, d);
        }
        varint(t, 2 << 3);
        varint(t, dataType);
        bytes(t, 8, name.getBytes(StandardCharsets.UTF_8));
        bytes(t, 9, raw);
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        bytes(g, 5, t.toByteArray());
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        bytes(m, 7, g.toByteArray());
        return m.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] b) {
        varint(out, (field << 3) | 2);
        varint(out, b.length);
        out.writeBytes(b);
    }

    @Test
    void onnxDimsThatOverflowAndTheReservedGraphNameAreClearUsageErrors() throws IOException {
        Path overflow = Files.write(dir.resolve("overflow.onnx"), onnx("w", 2, new long[] {1L << 40, 1L << 40}, new byte[0]));
        var r = run("seal", overflow.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", key.toString());
        assertOneLineError(r, 2, "overflows 64 bits");
        Path reserved = Files.write(dir.resolve("reserved.onnx"),
                onnx("__tensorseal_onnx_graph__", 2, new long[] {2}, new byte[] {1, 2}));
        r = run("seal", reserved.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", key.toString());
        assertOneLineError(r, 2, "the name tensorseal keeps for the model's graph");
        assertFalse(Files.exists(dir.resolve("x.tseal")));
    }

    private Path fifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor(), "mkfifo failed");
        return p;
    }

    @Test
    void aFifoAsInputOrAsAShardIsRefusedInsteadOfWaitingForAWriter() throws Exception {
        Path in = fifo(dir.resolve("pipe.safetensors"));
        Path src = Files.createDirectories(dir.resolve("src"));
        ShardedOpenTest.shard(src.resolve("a.safetensors"), "x", Map.of());
        fifo(src.resolve("b.safetensors"));
        Path index = Files.writeString(src.resolve("m.index.json"),
                "{\"weight_map\":{\"x\":\"a.safetensors\",\"y\":\"b.safetensors\"}}");
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            assertOneLineError(run("seal", in.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", key.toString()),
                    2, "not a regular file");
            assertOneLineError(run("seal", index.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file",
                    key.toString()), 2, "not a regular file");
            assertOneLineError(run("verify", in.toString(), "--key-file", key.toString()), 2, "not a regular file");
        });
        assertFalse(Files.exists(dir.resolve("x.tseal")));
    }

    @Test
    void aShardLinkedFromOutsideItsFolderIsRefusedUnlessAllowed() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        ShardedOpenTest.shard(elsewhere.resolve("blob"), "x", Map.of());
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createSymbolicLink(src.resolve("a.safetensors"), elsewhere.resolve("blob"));
        Path index = Files.writeString(src.resolve("m.index.json"), "{\"weight_map\":{\"x\":\"a.safetensors\"}}");
        Path out = dir.resolve("x.tseal");
        assertOneLineError(run("seal", index.toString(), "-o", out.toString(), "--key-file", key.toString()), 2,
                "outside " + src);
        assertFalse(Files.exists(out));
        var allowed = run("seal", index.toString(), "-o", out.toString(), "--key-file", key.toString(), "--follow-shard-links");
        assertEquals(0, allowed.code(), allowed.err());
    }

    @Test
    void benchChecksThePlotFolderBeforeBenchmarking() {
        var r = run("bench", "--size", "8MiB", "--plot", dir.resolve("nonexistent/x.png").toString());
        assertOneLineError(r, 2, "does not exist");
        assertEquals("", r.out(), "the benchmark ran before the plot path was checked");
        assertOneLineError(run("bench", "--quiet", "--size", "12345"), 2, "multiple of 64 KiB"); // --quiet accepted
    }
}
