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

/** keygen --recipient-key, seal --recipient, open/inspect/verify --identity, rekey --add/--remove-recipient. */
class RecipientCommandsTest {
    @TempDir Path dir;
    Path model;
    Path alice;
    Path bob;
    String alicePub;
    String bobPub;

    /** The public key keygen printed: its last line. */
    private String keygen(Path out, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "keygen";
        args[1] = "--recipient-key";
        args[2] = "--out=" + out;
        System.arraycopy(extra, 0, args, 3, extra.length);
        FileCommandsTest.Result r = run(args);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        return lines[lines.length - 1];
    }

    @BeforeEach
    void setUp() throws IOException {
        model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 7);
        alice = dir.resolve("alice.id");
        bob = dir.resolve("bob.id");
        alicePub = keygen(alice);
        bobPub = keygen(bob, "--suite", "p384");
    }

    @Test
    void keygenWritesAnOwnerOnlyIdentityAndPrintsItsPublicKeyLast() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(alice)));
        assertTrue(alicePub.matches("tseal1-x25519-[A-Za-z0-9_-]{43}"), alicePub);
        assertTrue(bobPub.startsWith("tseal1-p384-"), bobPub);
        assertOneLineError(run("keygen", "--recipient-key", "--out", alice.toString()), 2, "already exists");
        assertOneLineError(run("keygen", "--recipient-key", "--suite", "x448", "--out", dir.resolve("x").toString()), 2,
                "unknown recipient suite");
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void aKeyOrIdentityFileGivenAsARecipientIsAClearUsageErrorThatEchoesNothing() throws IOException {
        Path sealed = dir.resolve("m.tseal");
        Path hexKey = Files.writeString(dir.resolve("key.hex"), "8f3a9c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6\n");
        FileCommandsTest.Result r = run("seal", model.toString(), "-o", sealed.toString(), "--recipient", hexKey.toString());
        assertOneLineError(r, 2, "not a recipient public key");
        assertFalse(r.err().contains("8f3a9c1d"), r.err());
        byte[] binary = new byte[48]; // as an identity file's key bytes, which are rarely UTF-8 (0xFF never is)
        java.util.Arrays.fill(binary, (byte) 0xFF);
        Path notText = Files.write(dir.resolve("binary.id"), binary);
        r = run("seal", model.toString(), "-o", sealed.toString(), "--recipient", notText.toString());
        assertOneLineError(r, 2, "not a text file");
        assertFalse(Files.exists(sealed), "nothing written");
    }

    @Test
    void sealedToTwoRecipientsOpensWithEitherIdentityAndNotWithAThird() throws IOException {
        Path sealed = dir.resolve("m.tseal");
        Path pubFile = Files.writeString(dir.resolve("bob.pub"), "# bob\n" + bobPub + "\n");
        FileCommandsTest.Result s = run("seal", model.toString(), "-o", sealed.toString(), "--recipient", alicePub,
                "--recipient", pubFile.toString());
        assertEquals(0, s.code(), s.err());
        for (Path id : new Path[] {alice, bob}) {
            Path out = dir.resolve(id.getFileName() + ".safetensors");
            FileCommandsTest.Result o = run("open", sealed.toString(), "-o", out.toString(), "--identity", id.toString());
            assertEquals(0, o.code(), o.err());
            assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(out));
            assertEquals(0, run("verify", sealed.toString(), "--identity", id.toString()).code());
        }
        FileCommandsTest.Result i = run("inspect", sealed.toString(), "--identity", alice.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("sealed to 2 recipient(s)"), i.out());
        assertTrue(i.out().contains(alicePub) && i.out().contains(bobPub), i.out());

        Path carol = dir.resolve("carol.id");
        keygen(carol);
        Path out = dir.resolve("carol.safetensors");
        assertOneLineError(run("open", sealed.toString(), "-o", out.toString(), "--identity", carol.toString()), 1,
                "not one of the file's 2 recipient(s)");
        assertFalse(Files.exists(out), "no output on a wrong identity");
        Path key = dir.resolve("k.key");
        assertEquals(0, run("keygen", "--out", key.toString()).code());
        assertOneLineError(run("open", sealed.toString(), "-o", out.toString(), "--key-file", key.toString()), 1, "wrong key");
        assertOneLineError(run("open", sealed.toString(), "-o", out.toString(), "--key-file", key.toString(), "--identity",
                alice.toString()), 2, "give only one of");
    }

    @Test
    void removingARecipientLocksItOutAndAddingLetsANewOneIn() throws IOException {
        Path sealed = dir.resolve("m.tseal");
        assertEquals(0, run("seal", model.toString(), "-o", sealed.toString(), "--recipient", alicePub, "--recipient", bobPub).code());
        FileCommandsTest.Result r = run("rekey", sealed.toString(), "--identity", alice.toString(), "--remove-recipient", bobPub);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 recipient(s)"), r.out());
        assertOneLineError(run("verify", sealed.toString(), "--identity", bob.toString()), 1, "not one of the file's 1");
        assertEquals(0, run("verify", sealed.toString(), "--identity", alice.toString()).code());

        r = run("rekey", sealed.toString(), "--identity", alice.toString(), "--add-recipient", bobPub);
        assertEquals(0, r.code(), r.err());
        assertEquals(0, run("verify", sealed.toString(), "--identity", bob.toString()).code());
        assertOneLineError(run("rekey", sealed.toString(), "--identity", alice.toString(), "--add-recipient", bobPub), 2,
                "already a recipient");
        assertOneLineError(run("rekey", sealed.toString(), "--identity", alice.toString(), "--remove-recipient", "tseal1-x25519-xx"),
                2, "public key");
        assertOneLineError(run("rekey", sealed.toString(), "--identity", alice.toString(), "--add-recipient", bobPub,
                "--new-key-file", alice.toString()), 2, "not both");
    }

    @Test
    void aFileSealedUnderAKeyCanBeHandedToRecipients() throws IOException {
        Path key = dir.resolve("k.key");
        Path sealed = dir.resolve("m.tseal");
        assertEquals(0, run("keygen", "--out", key.toString()).code());
        assertEquals(0, run("seal", model.toString(), "-o", sealed.toString(), "--key-file", key.toString()).code());
        assertOneLineError(run("verify", sealed.toString(), "--identity", alice.toString()), 1, "recipient identity");
        assertEquals(0, run("rekey", sealed.toString(), "--key-file", key.toString(), "--add-recipient", alicePub).code());
        assertEquals(0, run("verify", sealed.toString(), "--identity", alice.toString()).code());
        assertOneLineError(run("verify", sealed.toString(), "--key-file", key.toString()), 1, "wrong key");
    }
}
