package dev.tensorseal.cli;

import static dev.tensorseal.cli.FileCommandsTest.assertOneLineError;
import static dev.tensorseal.cli.FileCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rekey} through a symbolic link, of a file with hard links, and {@code --deep}. */
class RekeyLinksTest {
    @TempDir Path dir;
    Path key;
    Path key2;
    Path sealed;

    @BeforeEach
    void setUp() throws IOException {
        key = dir.resolve("k.key");
        key2 = dir.resolve("k2.key");
        assertEquals(0, run("keygen", "-o", key.toString()).code());
        assertEquals(0, run("keygen", "-o", key2.toString()).code());
        Path model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 3);
        sealed = dir.resolve("m.tseal");
        assertEquals(0, run("seal", model.toString(), "-o", sealed.toString(), "--key-file", key.toString()).code());
    }

    @Test
    void rekeyThroughASymlinkRekeysTheFileItNamesAndKeepsItsMode() throws IOException {
        Files.setPosixFilePermissions(sealed, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("link.tseal"), sealed.getFileName());
        var r = run("rekey", link.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertEquals(0, run("verify", sealed.toString(), "--key-file", key2.toString()).code(), "the real file is not rekeyed");
        assertOneLineError(run("verify", sealed.toString(), "--key-file", key.toString()), 1, "wrong key");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sealed)));
    }

    @Test
    void aFileWithAnotherHardLinkIsRefusedWithoutForceAndSaysWhy() throws IOException {
        Path other = Files.createLink(dir.resolve("other.tseal"), sealed);
        byte[] before = Files.readAllBytes(sealed);
        assertOneLineError(run("rekey", sealed.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString()), 2,
                "2 hard links");
        assertArrayEquals(before, Files.readAllBytes(sealed));
        var forced = run("rekey", sealed.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals(0, run("verify", sealed.toString(), "--key-file", key2.toString()).code());
        assertEquals(0, run("verify", other.toString(), "--key-file", key.toString()).code(), "the other link keeps the old key");
    }

    private static Set<String> keyIds(Path f) throws IOException {
        Set<String> ids = new HashSet<>();
        TsealReader.readUnverified(f).keys().forEach(k -> ids.add(HexFormat.of().formatHex(k.keyId())));
        return ids;
    }

    @Test
    void deepRekeyGivesFreshDataKeysAndTheSameTensors() throws IOException {
        Set<String> oldIds = keyIds(sealed);
        Path before = dir.resolve("before.safetensors");
        assertEquals(0, run("open", sealed.toString(), "-o", before.toString(), "--key-file", key.toString()).code());
        var r = run("rekey", sealed.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString(), "--deep", "--quiet");
        assertEquals(0, r.code(), r.err());
        Set<String> newIds = keyIds(sealed);
        assertTrue(!newIds.isEmpty() && newIds.stream().noneMatch(oldIds::contains), oldIds + " / " + newIds);
        Path after = dir.resolve("after.safetensors");
        assertEquals(0, run("open", sealed.toString(), "-o", after.toString(), "--key-file", key2.toString()).code());
        assertArrayEquals(Files.readAllBytes(before), Files.readAllBytes(after));
    }

    @Test
    void inspectAndRekeyAcceptQuietAndInspectNamesTheFormatVersion() {
        var i = run("inspect", sealed.toString(), "--quiet");
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains(", format 2, id "), i.out());
        var r = run("rekey", sealed.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        for (String c : new String[] {"doctor", "gpu-info"}) {
            var q = run(c, "--quiet");
            assertTrue(q.code() != 2 || !q.err().contains("argument"), c + ": " + q.err());
        }
    }
}
