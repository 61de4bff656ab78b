package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, seal, inspect, verify, open and rekey through {@link Main#run}: outputs, exit codes, errors, no leftovers. */
class FileCommandsTest {
    @TempDir Path dir;
    Path key;
    Path model;
    Path sealed;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** One line on stderr, naming the command, no stack trace. */
    static void assertOneLineError(Result r, int code, String fragment) {
        assertEquals(code, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("tensorseal "), lines[0]);
        assertTrue(lines[0].contains(fragment), lines[0] + " should contain " + fragment);
        assertFalse(r.err().contains("\tat "), r.err());
    }

    static Path safetensors(Path p, int seed) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var w = new SafetensorsWriter(ch, List.of(new SafetensorsWriter.Declared("w", "F32", new long[] {300, 100}),
                    new SafetensorsWriter.Declared("b", "BF16", new long[] {100})), Map.of("format", "pt"));
            byte[] data = new byte[300 * 100 * 4 + 200];
            new Random(seed).nextBytes(data);
            w.write(ByteBuffer.wrap(data));
            w.finish();
        }
        return p;
    }

    @BeforeEach
    void setUp() throws IOException {
        key = dir.resolve("k.key");
        model = safetensors(dir.resolve("m.safetensors"), 5);
        sealed = dir.resolve("m.tseal");
        assertEquals(0, run("keygen", "--out", key.toString()).code());
        assertEquals(0, run("seal", model.toString(), "-o", sealed.toString(), "--key-file", key.toString()).code());
    }

    private Set<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new java.util.TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void keygenWrites32PrivateBytesAndNeverOverwrites() throws IOException {
        assertEquals(32, Files.size(key));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        byte[] before = Files.readAllBytes(key);
        assertOneLineError(run("keygen", "--out", key.toString()), 2, "already exists");
        assertArrayEquals(before, Files.readAllBytes(key));
        assertEquals(Set.of("k.key", "m.safetensors", "m.tseal"), files());
    }

    @Test
    void sealInspectVerifyOpenRoundTripIsByteIdentical() throws IOException {
        Result unverified = run("inspect", sealed.toString());
        assertEquals(0, unverified.code());
        assertTrue(unverified.out().contains("UNVERIFIED"), unverified.out());
        assertTrue(unverified.out().lines().anyMatch(l -> l.startsWith("w ") && l.contains("F32") && l.contains("[300,100]")
                && l.contains("120000")), unverified.out());
        Result verified = run("inspect", sealed.toString(), "--key-file", key.toString());
        assertEquals(0, verified.code());
        assertTrue(verified.out().contains("header:  verified"), verified.out());
        Result v = run("verify", sealed.toString(), "--key-file", key.toString());
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().startsWith("ok: "), v.out());
        Path back = dir.resolve("back.safetensors");
        Result o = run("open", sealed.toString(), "-o", back.toString(), "--key-file", key.toString());
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(back));
        assertEquals("", v.err() + o.err(), "quiet on success (no terminal: no progress bar)");
    }

    @Test
    void rekeyMovesTheFileToTheNewKeyAndTheOldOneFailsWithExit1() throws IOException {
        Path key2 = dir.resolve("k2.key");
        assertEquals(0, run("keygen", "-o", key2.toString()).code());
        Result r = run("rekey", sealed.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString());
        assertEquals(0, r.code(), r.err());
        assertOneLineError(run("verify", sealed.toString(), "--key-file", key.toString()), 1, "wrong key");
        assertOneLineError(run("inspect", sealed.toString(), "--key-file", key.toString()), 1, "wrong key");
        assertEquals(0, run("verify", sealed.toString(), "--key-file", key2.toString()).code());
        assertEquals(Set.of("k.key", "k2.key", "m.safetensors", "m.tseal"), files());
    }

    @Test
    void aFlippedChunkByteFailsVerifyNamingTensorAndChunkAndOpenLeavesNoOutput() throws IOException {
        var header = dev.tensorseal.internal.tseal.TsealReader.readUnverified(sealed);
        var w = header.tensors().stream().filter(e -> e.info().name().equals("w")).findFirst().orElseThrow();
        try (RandomAccessFile f = new RandomAccessFile(sealed.toFile(), "rw")) {
            long at = w.chunkOffsetBytes(1) + 10;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 1);
        }
        Result v = run("verify", sealed.toString(), "--key-file", key.toString());
        assertOneLineError(v, 1, "'w'");
        assertTrue(v.err().contains("chunk 1"), v.err());
        Path back = dir.resolve("back.safetensors");
        assertOneLineError(run("open", sealed.toString(), "-o", back.toString(), "--key-file", key.toString()), 1, "chunk 1");
        assertEquals(Set.of("k.key", "m.safetensors", "m.tseal"), files(), "no partial or temporary output");
    }

    @Test
    void usageAndIoMistakesAreOneLineExit2WithNoOutput() throws IOException {
        String k = key.toString();
        assertOneLineError(run("seal", dir.resolve("missing.safetensors").toString(), "-o", dir.resolve("x.tseal").toString(),
                "--key-file", k), 2, "no such file");
        assertOneLineError(run("seal", dir.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", k), 2, "is a directory");
        assertOneLineError(run("seal", model.toString(), "-o", dir.resolve("nope/x.tseal").toString(), "--key-file", k), 2,
                "does not exist");
        assertOneLineError(run("seal", model.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", k, "--frobnicate"),
                2, "unknown option '--frobnicate'");
        assertOneLineError(run("seal", model.toString(), "-o", dir.resolve("x.tseal").toString()), 2, "a key is required");
        assertOneLineError(run("seal", model.toString(), "-o", sealed.toString(), "--key-file", k), 2, "already exists");
        assertOneLineError(run("verify", sealed.toString(), "--key-file", dir.resolve("nokey").toString()), 2, "no such file");
        assertOneLineError(run("verify", sealed.toString(), "--key-env", "TENSORSEAL_TEST_SURELY_UNSET_VAR"), 2, "is not set");
        assertOneLineError(run("verify", model.toString(), "--key-file", k), 2, "m.safetensors");
        assertOneLineError(run("open", sealed.toString(), "--key-file", k), 2, "missing --out");
        assertOneLineError(run("inspect"), 2, "expected one .tseal file");
        Path notTxt = dir.resolve("m.txt");
        Files.writeString(notTxt, "hello");
        assertOneLineError(run("seal", notTxt.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", k), 2,
                "cannot tell the format");
        Path truncated = dir.resolve("t.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(model), 1000));
        Result r = run("seal", truncated.toString(), "-o", dir.resolve("x.tseal").toString(), "--key-file", k);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Files.delete(notTxt);
        Files.delete(truncated);
        assertEquals(Set.of("k.key", "m.safetensors", "m.tseal"), files(), "no partial or temporary output");
    }

    @Test
    void keyFileOfWrongLengthIsRefusedAndLoosePermissionsWarn() throws IOException {
        Path shortKey = dir.resolve("short.key");
        Files.write(shortKey, new byte[31]);
        assertOneLineError(run("verify", sealed.toString(), "--key-file", shortKey.toString()), 2, "exactly 32 raw bytes, it holds 31");
        Files.delete(shortKey);
        Path loose = dir.resolve("loose.key");
        Files.copy(key, loose);
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        Result r = run("verify", sealed.toString(), "--key-file", loose.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: key file") && r.err().contains("chmod 600"), r.err());
    }

    @Test
    void helpListsEveryFileCommand() {
        Result r = run("--help");
        for (String c : List.of("keygen", "seal", "open", "inspect", "verify", "rekey")) {
            assertTrue(r.out().contains("  " + c + " "), c);
            assertEquals(0, run(c, "--help").code());
        }
    }
}
