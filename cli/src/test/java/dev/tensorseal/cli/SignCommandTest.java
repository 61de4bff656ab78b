package dev.tensorseal.cli;

import static dev.tensorseal.cli.FileCommandsTest.assertOneLineError;
import static dev.tensorseal.cli.FileCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keygen --signing-key}, {@code sign}, {@code verify --signer} and {@code open --signer}. */
class SignCommandTest {
    @TempDir Path dir;
    Path key;
    Path sealed;
    Path signingKey;
    String pub;

    @BeforeEach
    void setUp() throws IOException {
        key = dir.resolve("k.key");
        assertEquals(0, run("keygen", "-o", key.toString()).code());
        Path model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 5);
        sealed = dir.resolve("m.tseal");
        assertEquals(0, run("seal", model.toString(), "-o", sealed.toString(), "--key-file", key.toString()).code());
        signingKey = dir.resolve("signer.pem");
        var k = run("keygen", "--signing-key", "--out", signingKey.toString());
        assertEquals(0, k.code(), k.err());
        String[] lines = k.out().strip().split("\n");
        pub = lines[lines.length - 1];
        var s = run("sign", sealed.toString(), "--signing-key", signingKey.toString());
        assertEquals(0, s.code(), s.err());
    }

    @Test
    void keygenWritesAnOwnerOnlyPemAndPrintsTheOneLinePublicKeyLast() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(signingKey)));
        assertTrue(Files.readString(signingKey).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(pub.startsWith("tseal-signer:") && !pub.contains(" "), pub);
        assertOneLineError(run("keygen", "--signing-key", "--out", signingKey.toString()), 2, "already exists");
    }

    @Test
    void verifyWithTheSignerAloneNeedsNoKeyAndAcceptsTheTextAFileOrAPem() throws IOException {
        var r = run("verify", sealed.toString(), "--signer", pub);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("signed by"), r.out());
        Path pubFile = Files.writeString(dir.resolve("signer.pub"), pub + "\n");
        assertEquals(0, run("verify", sealed.toString(), "--signer", pubFile.toString()).code());
        var both = run("verify", sealed.toString(), "--signer", pub, "--key-file", key.toString());
        assertEquals(0, both.code(), both.err());
        assertTrue(both.out().contains("chunks"), "with a key the chunks are authenticated too: " + both.out());
    }

    @Test
    void aChangedFileAMissingSignatureOrAnotherSignerIsExitOne() throws IOException {
        byte[] original = Files.readAllBytes(sealed);
        byte[] bad = original.clone();
        bad[bad.length - 1] ^= 0x01;
        Files.write(sealed, bad);
        assertOneLineError(run("verify", sealed.toString(), "--signer", pub), 1, "changed after signing");
        Files.write(sealed, original);

        Path other = dir.resolve("other.pem");
        var o = run("keygen", "--signing-key", "--out", other.toString());
        String[] lines = o.out().strip().split("\n");
        assertOneLineError(run("verify", sealed.toString(), "--signer", lines[lines.length - 1]), 1, "another key");

        Files.delete(dir.resolve("m.tseal.sig"));
        assertOneLineError(run("verify", sealed.toString(), "--signer", pub), 1, "not signed");
    }

    @Test
    void openWithASignerRefusesAnUnsignedFileAndWritesNothing() throws IOException {
        Path out = dir.resolve("out.safetensors");
        var ok = run("open", sealed.toString(), "-o", out.toString(), "--key-file", key.toString(), "--signer", pub);
        assertEquals(0, ok.code(), ok.err());
        Files.delete(out);
        Files.delete(dir.resolve("m.tseal.sig"));
        assertOneLineError(run("open", sealed.toString(), "-o", out.toString(), "--key-file", key.toString(), "--signer", pub), 1,
                "not signed");
        assertFalse(Files.exists(out), "no output for a refused file");
    }

    @Test
    void signingAgainNeedsForceAndABadSignerArgumentIsAUsageError() throws IOException {
        byte[] before = Files.readAllBytes(dir.resolve("m.tseal.sig"));
        assertOneLineError(run("sign", sealed.toString(), "--signing-key", signingKey.toString()), 2, "--force");
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("m.tseal.sig")));
        assertEquals(0, run("sign", sealed.toString(), "--signing-key", signingKey.toString(), "--force").code());
        assertOneLineError(run("verify", sealed.toString(), "--signer", "nonsense"), 2, "neither");
        assertOneLineError(run("sign", sealed.toString(), "--signing-key", key.toString(), "--force"), 2, "not a PRIVATE KEY PEM");
    }
}
