package dev.tensorseal.cli;

import static dev.tensorseal.cli.FileCommandsTest.assertOneLineError;
import static dev.tensorseal.cli.FileCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorseal.nativebridge.internal.pkcs11.Pkcs11Token;
import dev.tensorseal.testing.SoftHsm;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seal}/{@code open}/{@code verify}/{@code rekey} with {@code --key pkcs11:...}, the KEK in a SoftHSM2 token. */
class Pkcs11CommandsTest {
    private static final AtomicInteger LABELS = new AtomicInteger();

    @TempDir Path dir;
    String uri;
    Path model;
    Path sealed;

    @BeforeEach
    void setUp() throws IOException {
        var found = SoftHsm.get();
        if (found.isEmpty()) {
            if (SoftHsm.underCi()) {
                fail("CI=true but " + SoftHsm.missingReason());
            }
            System.out.println("skipping PKCS#11 CLI test: " + SoftHsm.missingReason());
            Assumptions.abort(SoftHsm.missingReason());
        }
        String label = "cli-kek-" + LABELS.incrementAndGet();
        try (Arena arena = Arena.ofConfined();
                Pkcs11Token.Session s = Pkcs11Token.find(SoftHsm.MODULE, SoftHsm.TOKEN, null).login(
                        arena.allocateFrom(SoftHsm.USER_PIN, StandardCharsets.UTF_8).asSlice(0, SoftHsm.USER_PIN.length()))) {
            s.generateKek(label);
        }
        uri = found.get().uri(label, found.get().pinFile(dir));
        model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 9);
        sealed = dir.resolve("m.tseal");
        var r = run("seal", model.toString(), "-o", sealed.toString(), "--key", uri, "--quiet");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void sealOpenAndVerifyWorkWithTheKekInTheToken() throws IOException {
        assertTrue(Files.exists(dir.resolve("m.tseal.p11key")), "the wrapped key lies beside the file");
        assertFalse(Files.exists(dir.resolve("m.tseal.p11key.new")));
        Path out = dir.resolve("out.safetensors");
        var o = run("open", sealed.toString(), "-o", out.toString(), "--key", uri, "--quiet");
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(out));
        assertEquals(0, run("verify", sealed.toString(), "--key", uri, "--quiet").code());
    }

    /** The spelling: {@code open IN -o OUT --identity pkcs11:...} opens the file as {@code --key} does. */
    @Test
    void identityTakesAPkcs11UriAsKeyDoes() throws IOException {
        Path out = dir.resolve("out.safetensors");
        var o = run("open", sealed.toString(), "-o", out.toString(), "--identity", uri, "--quiet");
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(out));
        assertEquals(0, run("inspect", sealed.toString(), "--identity", uri, "--quiet").code());
        assertOneLineError(run("verify", sealed.toString(), "--identity", uri, "--key", uri), 2, "give only one of");
    }

    @Test
    void rekeyReplacesTheWrappedKeyAndTheOldOneNoLongerOpensTheFile() throws IOException {
        Path wrapped = dir.resolve("m.tseal.p11key");
        Path oldCopy = Files.copy(wrapped, dir.resolve("old.p11key"));
        var r = run("rekey", sealed.toString(), "--key", uri, "--new-key", uri, "--quiet");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(dir.resolve("m.tseal.p11key.new")));
        assertFalse(Files.readString(wrapped).equals(Files.readString(oldCopy)), "a fresh master key was wrapped");
        assertEquals(0, run("verify", sealed.toString(), "--key", uri, "--quiet").code());
        Files.copy(oldCopy, wrapped, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertOneLineError(run("verify", sealed.toString(), "--key", uri, "--quiet"), 1, "wrong key");
    }

    @Test
    void rekeyOutOfTheTokenToAKeyFileRemovesTheWrappedKey() throws IOException {
        Path key = dir.resolve("k.key");
        assertEquals(0, run("keygen", "-o", key.toString()).code());
        var r = run("rekey", sealed.toString(), "--key", uri, "--new-key-file", key.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(dir.resolve("m.tseal.p11key")), "the old wrapped key opens nothing now");
        assertEquals(0, run("verify", sealed.toString(), "--key-file", key.toString(), "--quiet").code());
    }

    @Test
    void handingAFileToRecipientsRemovesTheWrappedKeyItNoLongerUses() throws IOException {
        Path id = dir.resolve("alice.id");
        var k = run("keygen", "--recipient-key", "--out", id.toString());
        assertEquals(0, k.code(), k.err());
        String[] lines = k.out().strip().split("\n");
        var r = run("rekey", sealed.toString(), "--key", uri, "--add-recipient", lines[lines.length - 1], "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, run("verify", sealed.toString(), "--identity", id.toString(), "--quiet").code());
        assertFalse(Files.exists(dir.resolve("m.tseal.p11key")), "the token's wrapped key opens nothing now: removed");
    }

    @Test
    void aChangedWrappedKeyIsExitOneAndAMissingOneIsExitTwo() throws IOException {
        Path wrapped = dir.resolve("m.tseal.p11key");
        String json = Files.readString(wrapped);
        int at = json.indexOf("\"wrapped\":\"") + 12;
        char c = json.charAt(at);
        Files.writeString(wrapped, json.substring(0, at) + (c == 'A' ? 'B' : 'A') + json.substring(at + 1));
        assertOneLineError(run("verify", sealed.toString(), "--key", uri, "--quiet"), 1, "does not unwrap");
        Files.delete(wrapped);
        assertOneLineError(run("verify", sealed.toString(), "--key", uri, "--quiet"), 2, "no wrapped key file");
    }

    @Test
    void aFailedSealLeavesNoWrappedKeyAndAnExistingOneIsKept() throws IOException {
        Path bad = Files.write(dir.resolve("bad.safetensors"), new byte[] {1, 2, 3});
        Path target = dir.resolve("bad.tseal");
        var r = run("seal", bad.toString(), "-o", target.toString(), "--key", uri, "--quiet");
        assertEquals(2, r.code(), r.err());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("bad.tseal.p11key")));
        assertFalse(Files.exists(dir.resolve("bad.tseal.p11key.new")));
        assertOneLineError(run("seal", model.toString(), "-o", "s3://bucket/m.tseal", "--key", uri), 2, "local files only");
        assertOneLineError(run("seal", model.toString(), "-o", dir.resolve("x.tseal").toString(), "--key", "kms:x"), 2,
                "pkcs11: URI");
    }
}
