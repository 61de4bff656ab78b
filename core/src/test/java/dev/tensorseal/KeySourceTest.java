package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.testing.Prerequisites;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourceTest {
    /** Set by core/pom.xml's surefire configuration: the same key as {@link #expected()}, in two encodings. */
    static final String HEX_VAR = "TENSORSEAL_TEST_KEY_HEX";
    static final String B64_VAR = "TENSORSEAL_TEST_KEY_B64";

    static byte[] expected() {
        byte[] k = new byte[32];
        for (int i = 0; i < 32; i++) {
            k[i] = (byte) (i * 7 + 1);
        }
        return k;
    }

    private static byte[] read(KeySource s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(32);
            s.writeKey(m);
            return m.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void keyFilesMustHoldExactly32Bytes(@TempDir Path dir) throws Exception {
        Path good = Files.write(dir.resolve("k"), expected());
        assertArrayEquals(expected(), read(KeySource.file(good)));
        Path shortFile = Files.write(dir.resolve("s"), new byte[31]);
        var e = assertThrows(UnsupportedParameterException.class, () -> read(KeySource.file(shortFile)));
        assertTrue(e.getMessage().contains("31"), e.getMessage());
        var missing = assertThrows(TensorSealException.class, () -> read(KeySource.file(dir.resolve("none"))));
        assertTrue(missing.getMessage().contains("none"), missing.getMessage());
    }

    @Test
    void environmentVariablesInHexOrBase64() {
        Prerequisites.require(System.getenv(HEX_VAR) != null,
                "environment key source test: " + HEX_VAR + " is not set (core/pom.xml's surefire configuration sets it)");
        assertEquals(HexFormat.of().formatHex(expected()), System.getenv(HEX_VAR), "pom and test agree");
        assertArrayEquals(expected(), read(KeySource.environment(HEX_VAR)));
        assertArrayEquals(expected(), read(KeySource.environment(B64_VAR)));
        var unset = assertThrows(TensorSealException.class, () -> read(KeySource.environment("TENSORSEAL_SURELY_UNSET_42")));
        assertTrue(unset.getMessage().contains("not set"));
        assertThrows(IllegalArgumentException.class, () -> KeySource.environment("A=B"));
        assertEquals(Base64.getEncoder().encodeToString(expected()), System.getenv(B64_VAR));
    }

    @Test
    void passphrasesDeriveTheSameKeyFromTheSameSalt() {
        char[] pass = "correct horse battery staple".toCharArray();
        byte[] salt = new byte[16];
        try (KeySource a = KeySource.passphrase(pass, salt, 1024, 1, 1);
             KeySource b = KeySource.passphrase(pass, salt, 1024, 1, 1);
             KeySource c = KeySource.passphrase(pass, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1024, 1, 1)) {
            assertArrayEquals(read(a), read(b));
            assertEquals(false, java.util.Arrays.equals(read(a), read(c)));
        }
        assertEquals('c', pass[0], "the caller's passphrase is not modified");
        assertThrows(UnsupportedParameterException.class, () -> KeySource.passphrase(pass, new byte[8]));
        assertThrows(UnsupportedParameterException.class, () -> KeySource.passphrase(pass, salt, 1 << 30, 1, 1));
        assertThrows(UnsupportedParameterException.class, () -> KeySource.passphrase(new char[0], salt));
    }

    @Test
    void applicationBytesAreCopiedAndTheSourceZeroesOnClose() {
        byte[] k = expected();
        KeySource s = KeySource.bytes(k);
        Wipe.wipe(k);
        assertArrayEquals(expected(), read(s), "the source kept its own copy");
        s.close();
        assertThrows(IllegalStateException.class, () -> read(s));
        assertThrows(UnsupportedParameterException.class, () -> KeySource.bytes(new byte[16]));
        try (KeySource zero = KeySource.bytes(new byte[32])) {
            assertThrows(UnsupportedParameterException.class, () -> TensorStore.builder().keySource(zero).build());
        }
    }

    @Test
    void aCustomSourceOpensAStore() {
        KeySource custom = new KeySource() {
            @Override
            public void writeKey(MemorySegment destination) {
                MemorySegment.copy(MemorySegment.ofArray(expected()), 0, destination, 0, 32);
            }

            @Override
            public String description() {
                return "test KMS";
            }
        };
        try (TensorStore s = TensorStore.builder().keySource(custom).build()) {
            s.put("x", new int[] {42});
            try (TensorView v = s.read("x")) {
                assertEquals(42, v.getInt(0));
            }
        }
    }
}
