package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.testing.Prerequisites;
import dev.tensorseal.vectors.Transcribed;
import dev.tensorseal.vectors.VectorFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tensorseal vectors} through {@link Main#run}, as a user runs it (without forking a JVM). */
class VectorsCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(Transcribed set) throws Exception {
        Path f = dir.resolve(set.fileName());
        Files.writeString(f, set.content());
        return f;
    }

    @Test
    void withoutFilesRunsTheBundledSetsAndEndsWithTheTotals() {
        Result r = run("vectors");
        assertEquals(0, r.exit(), r.err());
        // 18 GCM spec + 29 Wycheproof-format cases on every engine (jce, bc, ossl, vaes), 3 + 4 HKDF and 6 key wrap cases
        // once; vaes skips the 6 + 9 cases whose IVs are not 12 bytes.
        int vaesSkips = engines().contains("vaes") ? 15 : 0;
        assertEquals((47 * engines().size() + 13 - vaesSkips) + " passed, 0 failed, " + vaesSkips + " skipped", r.lines().getLast());
        assertTrue(r.out().contains("(bundled) gcm-spec-mcgrew-viega.rsp [bc]: 18 passed, 0 failed, 0 skipped"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void oneSummaryLinePerFileAndEngineAndKeyWrapAndHkdfCountOnce() throws Exception {
        Result r = run("vectors", write(Transcribed.GCM_SPEC).toString(), write(Transcribed.RFC3394).toString(), write(Transcribed.WYCHEPROOF_FORMAT_HKDF).toString());
        assertEquals(0, r.exit(), r.err());
        List<String> expected = new java.util.ArrayList<>();
        for (String e : engines()) { // vaes skips test cases 5 and 6 of each key size (8- and 60-byte IVs)
            expected.add("gcm-spec-mcgrew-viega.rsp [" + e + "]: " + (e.equals("vaes") ? "12 passed, 0 failed, 6 skipped" : "18 passed, 0 failed, 0 skipped"));
        }
        expected.add("KW_AE_rfc3394-section4.txt [keywrap]: 6 passed, 0 failed, 0 skipped");
        expected.add("wycheproof-format-hkdf-sha256-transcribed.json [hkdf]: 4 passed, 0 failed, 0 skipped");
        int vaesSkips = engines().contains("vaes") ? 6 : 0;
        expected.add((18 * engines().size() + 10 - vaesSkips) + " passed, 0 failed, " + vaesSkips + " skipped");
        assertEquals(expected, r.lines());
    }

    @Test
    void engineOptionSelectsOneEngine() throws Exception {
        Result r = run("vectors", "--engine", "bc", write(Transcribed.WYCHEPROOF_FORMAT_AES_GCM).toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("wycheproof-format-aes-gcm-transcribed.json [bc]: 29 passed, 0 failed, 0 skipped", "29 passed, 0 failed, 0 skipped"), r.lines());
    }

    @Test
    void unsupportedTagSizesAreSkippedOnJceAndRunOnBc() throws Exception {
        // A NIST-format case with a 32-bit tag: McGrew-Viega test case 13's tag, truncated (GCM's MSB_t).
        Path f = dir.resolve("short-tag.rsp");
        Files.writeString(f, """
                [Keylen = 256]
                [IVlen = 96]
                [PTlen = 0]
                [AADlen = 0]
                [Taglen = 32]

                Count = 0
                Key = 0000000000000000000000000000000000000000000000000000000000000000
                IV = 000000000000000000000000
                PT =
                AAD =
                CT =
                Tag = 530f8afb
                """);
        Result r = run("vectors", "--verbose", f.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("short-tag.rsp [jce]: 0 passed, 0 failed, 1 skipped"), r.out());
        assertTrue(r.out().contains("skipped 1: jce: jce supports GCM tags of 12 to 16 bytes, got 4"), r.out());
        assertTrue(r.out().contains("short-tag.rsp [bc]: 1 passed, 0 failed, 0 skipped"), r.out());
        if (engines().contains("ossl")) {
            assertTrue(r.out().contains("short-tag.rsp [ossl]: 1 passed, 0 failed, 0 skipped"), r.out());
        }
        assertEquals((engines().size() - 1) + " passed, 0 failed, 1 skipped", r.lines().getLast());
    }

    @Test
    void aWrongExpectedValueFailsTheRunWithTheCaseIdAndExit1() throws Exception {
        String content = Transcribed.GCM_SPEC.content().replace("Tag = 530f8afbc74536b9a963b4f1c4cb738b", "Tag = 530f8afbc74536b9a963b4f1c4cb738c");
        Path f = dir.resolve("edited.rsp");
        Files.writeString(f, content);
        Result r = run("vectors", "--engine=jce", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("edited.rsp [jce]: 17 passed, 1 failed, 0 skipped"), r.out());
        assertTrue(r.out().contains("FAILED edited.rsp#Keylen=256,IVlen=96,PTlen=0,AADlen=0,Taglen=128,Count=13: seal gave a different ciphertext or tag"), r.out());
        assertEquals("17 passed, 1 failed, 0 skipped", r.lines().getLast());
    }

    @Test
    void aFailCaseThatIsRejectedPasses() throws Exception {
        Path f = dir.resolve("gcmDecryptEdited.rsp");
        Files.writeString(f, """
                [Keylen = 256]
                [IVlen = 96]
                [PTlen = 0]
                [AADlen = 0]
                [Taglen = 128]

                Count = 0
                Key = 0000000000000000000000000000000000000000000000000000000000000000
                IV = 000000000000000000000000
                CT =
                AAD =
                Tag = 530f8afbc74536b9a963b4f1c4cb738c
                FAIL
                """);
        Result r = run("vectors", f.toString());
        assertEquals(0, r.exit(), r.out());
        assertEquals(engines().size() + " passed, 0 failed, 0 skipped", r.lines().getLast());
    }

    @Test
    void badArgumentsAndUnreadableFilesAreOneLineOnStderrAndExit2() throws Exception {
        Path readme = dir.resolve("Readme.txt");
        Files.writeString(readme, "These are test vectors.\n");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"schema\": \"aead_test_schema_v1.json\", ");
        String[][] cases = {
            {"vectors", "--engine", "gpu"},
            {"vectors", "--engine"},
            {"vectors", "--frobnicate"},
            {"vectors", dir.resolve("missing.rsp").toString()},
            {"vectors", dir.toString()},
            {"vectors", readme.toString()},
            {"vectors", broken.toString()},
        };
        for (String[] args : cases) {
            Result r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("tensorseal vectors: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        assertTrue(run("vectors", readme.toString()).err().contains("cannot tell the format"));
        assertTrue(run("vectors", dir.resolve("missing.rsp").toString()).err().contains("no such file"));
    }

    @Test
    void helpAndVersion() {
        Result help = run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("vectors"), help.out());
        Result usage = run("vectors", "--help");
        assertEquals(0, usage.exit());
        assertTrue(usage.out().contains("--engine NAME"), usage.out());
        Result version = run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("tensorseal "), version.out());
    }

    @Test
    void theNistGcmFilesPassOnBothEnginesWhenInstalled() {
        List<Path> files = VectorFiles.NIST_GCM.stream().map(VectorFiles::find).flatMap(java.util.Optional::stream).toList();
        Prerequisites.require(files.size() == VectorFiles.NIST_GCM.size(),
                "NIST vectors: " + VectorFiles.missingReason(VectorFiles.NIST_GCM.getFirst()));
        Result r = run("vectors", "--engine", "jce", files.getFirst().toString());
        assertEquals(0, r.exit(), r.out());
        assertEquals("5625 passed, 0 failed, 2250 skipped", r.lines().getLast());
        if (engines().contains("ossl")) { // OpenSSL takes the 4- and 8-byte tags too: nothing skipped
            Result o = run("vectors", "--engine", "ossl", files.getFirst().toString());
            assertEquals(0, o.exit(), o.out());
            assertEquals("7875 passed, 0 failed, 0 skipped", o.lines().getLast());
        }
        if (engines().contains("vaes")) { // the 96-bit IVs only: the other IV lengths are skipped
            Result v = run("vectors", "--engine", "vaes", files.getFirst().toString());
            assertEquals(0, v.exit(), v.out());
            assertEquals("2625 passed, 0 failed, 5250 skipped", v.lines().getLast());
        }
    }

    /**
     * The engines {@code vectors} runs by default: jce, bc, and ossl where OpenSSL 3 libcrypto loads (required
     * under CI; elsewhere its absence is printed).
     */
    private static List<String> engines() {
        List<String> names = dev.tensorseal.internal.crypto.GcmEngine.names();
        if (!names.contains("ossl")) {
            String why;
            try {
                dev.tensorseal.internal.crypto.GcmEngine.named("ossl");
                why = "not listed";
            } catch (dev.tensorseal.UnsupportedParameterException e) {
                why = e.getMessage();
            }
            Prerequisites.optional(false, "ossl not tested here: " + why);
        }
        return names;
    }
}
