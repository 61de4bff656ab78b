package dev.tensorseal.internal.tseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.testing.Prerequisites;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed .tseal fixtures still open here, and tools/tseal_reader.py (written from FORMAT.md alone) reads
 * them and freshly generated files: the format document, the fixtures and the code cannot drift apart.
 */
class GoldenFilesTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final Path READER = Path.of("../tools/tseal_reader.py");
    @TempDir Path dir;

    @Test
    void committedFixturesOpenAndExportTheExpectedTensors() throws IOException {
        Path back = dir.resolve("back.safetensors");
        try (KeySource k = KeySource.file(GOLDEN.resolve("test.key"))) {
            SealedFile.exportSafetensors(GOLDEN.resolve("raw-key.tseal"), k, back);
        }
        assertArrayEquals(Files.readAllBytes(GOLDEN.resolve("expected.safetensors")), Files.readAllBytes(back));
        Path back2 = dir.resolve("back2.safetensors");
        try (KeySource k = SealedFile.passphraseKeyFor(GOLDEN.resolve("passphrase.tseal"),
                GoldenFixtures.PASSPHRASE.toCharArray())) {
            SealedFile.exportSafetensors(GOLDEN.resolve("passphrase.tseal"), k, back2);
        }
        assertArrayEquals(Files.readAllBytes(GOLDEN.resolve("expected.safetensors")), Files.readAllBytes(back2));
    }

    @Test
    void independentPythonReaderAcceptsCommittedAndFreshFilesAndRejectsATamperedOne() throws Exception {
        requirePython();
        Path expected = GOLDEN.resolve("expected.safetensors");
        assertReader(0, "ok: 4 tensors", GOLDEN.resolve("raw-key.tseal"), "--key-file", GOLDEN.resolve("test.key"), expected);
        assertReader(0, "ok: 4 tensors", GOLDEN.resolve("passphrase.tseal"), "--passphrase-file",
                GOLDEN.resolve("test.passphrase"), expected);
        GoldenFixtures.write(dir); // what the code writes today, not only what it wrote when the fixtures were made
        assertReader(0, "ok: 4 tensors", dir.resolve("raw-key.tseal"), "--key-file", dir.resolve("test.key"), expected);
        Path tampered = dir.resolve("raw-key.tseal");
        var w = TsealReader.readUnverified(tampered).tensors().stream().filter(e -> e.info().name().equals("w")).findFirst()
                .orElseThrow();
        try (RandomAccessFile f = new RandomAccessFile(tampered.toFile(), "rw")) {
            f.seek(w.chunkOffsetBytes(1));
            int b = f.read();
            f.seek(w.chunkOffsetBytes(1));
            f.write(b ^ 0x80);
        }
        assertReader(1, "tensor 'w' chunk 1 does not authenticate", tampered, "--key-file", dir.resolve("test.key"), expected);
        Path wrongKey = dir.resolve("wrong.key");
        Files.write(wrongKey, new byte[32]);
        assertReader(1, "wrong key", GOLDEN.resolve("raw-key.tseal"), "--key-file", wrongKey, expected);
    }

    private static void assertReader(int code, String fragment, Path file, String keyOption, Path key, Path expected)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", READER.toString(), file.toString(), keyOption, key.toString(),
                "--expect", expected.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python reader did not finish");
        assertEquals(code, p.exitValue(), output);
        assertTrue(output.contains(fragment), output);
    }

    /** python3 with the cryptography package (Debian python3-cryptography): required under CI, else a printed skip. */
    private static void requirePython() throws Exception {
        String why;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import cryptography.hazmat.primitives.kdf.argon2")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            why = p.waitFor() == 0 ? null : "python3 cannot import cryptography (Argon2id needs >= 44): " + out.strip();
        } catch (IOException e) {
            why = "python3 not found: " + e.getMessage();
        }
        Prerequisites.require(why == null, "GoldenFilesTest: the Python reader: " + why);
    }
}
