package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.UnsupportedParameterException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Argon2id: RFC 9106's known answer and the parameter bounds (no property tests: it is slow by design). */
class Argon2idTest {

    /** RFC 9106 section 5.3 (Argon2id test vector): m=32 KiB, t=3, p=4, password 32 x 01, salt 16 x 02, secret 8 x 03, ad 12 x 04. */
    @Test
    void rfc9106Section53KnownAnswer() {
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        try (SecretBytes tag = Argon2id.derive(password, salt, filled(8, 0x03), filled(12, 0x04), new Argon2id.Params(32, 3, 4, 16), 32)) {
            assertArrayEquals(HexFormat.of().parseHex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"), tag.insecureCopy());
        }
        assertArrayEquals(new byte[32], password, "the passphrase bytes are wiped");
    }

    @Test
    void charPassphrasesAreEncodedAsUtf8AndWiped() {
        char[] chars = "pässwörd".toCharArray();
        byte[] utf8 = "pässwörd".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Argon2id.Params p = new Argon2id.Params(64, 1, 1, 16);
        byte[] salt = filled(16, 7);
        try (SecretBytes a = Argon2id.derive(chars, salt, p, 32); SecretBytes b = Argon2id.derive(utf8, salt, p, 32)) {
            assertTrue(a.constantTimeEquals(b));
        }
        assertArrayEquals(new char[chars.length], chars);
        assertArrayEquals(new byte[utf8.length], utf8);
    }

    @Test
    void defaultsAre64MiBThreePassesOneLane() {
        assertEquals(new Argon2id.Params(65536, 3, 1, 16), Argon2id.Params.DEFAULTS);
    }

    @Test
    void parametersOutsideTheBoundsAreRejectedWithTheRange() {
        assertBound("memoryKiB must be 8 to 1048576, got 2097152", () -> new Argon2id.Params(2 * 1024 * 1024, 3, 1, 16));
        assertBound("memoryKiB must be 32 to 1048576, got 16", () -> new Argon2id.Params(16, 3, 4, 16));
        assertBound("iterations must be 1 to 32, got 33", () -> new Argon2id.Params(1024, 33, 1, 16));
        assertBound("iterations must be 1 to 32, got 0", () -> new Argon2id.Params(1024, 0, 1, 16));
        assertBound("parallelism must be 1 to 16, got 17", () -> new Argon2id.Params(1024, 1, 17, 16));
        assertBound("saltBytes must be 16 to 64, got 8", () -> new Argon2id.Params(1024, 1, 1, 8));
        assertBound("saltBytes must be 16 to 64, got 65", () -> new Argon2id.Params(1024, 1, 1, 65));
        Argon2id.Params ok = new Argon2id.Params(64, 1, 1, 16);
        assertBound("outputBytes must be 16 to 64, got 65", () -> Argon2id.derive(new byte[4], new byte[16], ok, 65));
        byte[] pw = filled(4, 9);
        assertBound("salt must be 16 bytes as the parameters say, got 17", () -> Argon2id.derive(pw, new byte[17], ok, 32));
        assertArrayEquals(new byte[4], pw, "the passphrase is wiped even when the call is rejected");
    }

    private static void assertBound(String expected, org.junit.jupiter.api.function.Executable call) {
        UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
