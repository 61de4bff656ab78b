package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.KeySource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --key-env} / {@code --passphrase-env} values must not stay readable in {@code /proc/PID/environ}: a child JVM
 * reads its own {@code /proc/self/environ} before and after the CLI's key options read the variable.
 */
class EnvironmentScrubTest {
    private static final String VARIABLE = "TENSORSEAL_SCRUB_TEST_SECRET";

    @Test
    void aKeyFromKeyEnvIsReadThenGoneFromProcSelfEnviron() throws Exception {
        byte[] key = new byte[32];
        new java.util.Random(11).nextBytes(key);
        String hex = HexFormat.of().formatHex(key);
        List<String> out = runChild("--key-env", hex);
        assertTrue(contains(decode(out, "before"), hex), "the probe sees the value before it is read: " + out);
        assertEquals("key " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)), line(out, "key"),
                "the key was read correctly before the scrub");
        assertFalse(contains(decode(out, "after"), hex), "the value is gone from /proc/self/environ after the read");
        assertEquals("getenv null", line(out, "getenv"), "and the variable is unset");
    }

    @Test
    void aPassphraseFromPassphraseEnvIsGoneFromProcSelfEnviron() throws Exception {
        String passphrase = "a passphrase nobody else should read 7f3a";
        List<String> out = runChild("--passphrase-env", passphrase);
        assertTrue(contains(decode(out, "before"), passphrase), "the probe sees the value before it is read: " + out);
        assertTrue(line(out, "key").startsWith("key "), out.toString());
        assertFalse(contains(decode(out, "after"), passphrase), "the value is gone from /proc/self/environ after the read");
        assertEquals("getenv null", line(out, "getenv"));
    }

    private static List<String> runChild(String option, String value) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), option, VARIABLE);
        pb.environment().put(VARIABLE, value);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang guard: the child finishes");
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.exitValue(), "child failed: " + lines);
        return lines;
    }

    private static String line(List<String> out, String tag) {
        return out.stream().filter(l -> l.startsWith(tag + " ")).findFirst().orElseThrow(() -> new AssertionError("no " + tag + " in " + out));
    }

    private static byte[] decode(List<String> out, String tag) {
        return Base64.getDecoder().decode(line(out, tag).substring(tag.length() + 1));
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    /** Reads the key through the CLI's own key options, between two reads of its own /proc/self/environ. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            String option = args[0];
            String variable = args[1];
            System.out.println("before " + Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of("/proc/self/environ"))));
            Args a = Args.parse(List.of(option, variable), Set.of(option), Set.of(), Map.of());
            try (KeySource k = KeyOptions.forNew(a, "--", System.err); Arena arena = Arena.ofConfined()) {
                MemorySegment m = arena.allocate(KeySource.KEY_BYTES);
                k.writeKey(m);
                System.out.println("key " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(m.toArray(ValueLayout.JAVA_BYTE))));
                m.fill((byte) 0);
            }
            System.out.println("after " + Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of("/proc/self/environ"))));
            System.out.println("getenv " + dev.tensorseal.internal.keys.EnvironmentText.getenvChars(variable));
        }
    }
}
