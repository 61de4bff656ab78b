package dev.tensorseal.internal.attestation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.AttestationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random corruption of the report, the chain and the RIMs: every corrupted input fails a check with a
 * reason of its own, never an unexpected exception (the verifier records those as "SomeException: ...").
 */
class EvidenceFuzzTest {
    private final AttestationFixture fx = new AttestationFixture();
    @TempDir
    Path dir;

    private static void assertClearFailure(AttestationResult r, String what) {
        String reason = r.firstFailure().orElseThrow(() -> new AssertionError(what + " passed: " + r.checks())).reason();
        assertFalse(reason.matches("^[A-Za-z]*(Exception|Error)\\b.*"), what + ": unexpected exception as reason: " + reason);
    }

    @Test
    void corruptedEvidenceFailsWithItsOwnReason() throws Exception {
        byte[] report = fx.signed(fx.report());
        byte[] chain = fx.chainPem();
        byte[] driver = fx.driverRim();
        List<Path> rims = fx.rimFiles(dir);
        AttestationPolicy policy = fx.policy(rims).build();
        Random random = new Random(Long.getLong("fuzz.seed", 1414));
        int corrupted = 0;
        for (int i = 0; i < Integer.getInteger("fuzz.n", 400); i++) {
            byte[] r = report.clone();
            byte[] c = chain.clone();
            byte[] d = driver.clone();
            int target = i % 3;
            byte[] victim = target == 0 ? r : target == 1 ? c : d;
            int at = random.nextInt(victim.length);
            byte old = victim[at];
            victim[at] = (byte) (old ^ (1 + random.nextInt(255)));
            Files.write(rims.get(0), d);
            AttestationResult result = AttestationResult.of(new EvidenceVerifier(policy)
                    .verify(new GpuEvidence("gpu 0", r, c), fx.nonce));
            if (result.passed()) {
                // a change that leaves the meaning intact: whitespace or base64 line layout in PEM/XML
                assertTrue(target != 0, "a changed report byte passed at offset " + at);
                continue;
            }
            corrupted++;
            assertClearFailure(result, "target " + target + " offset " + at);
        }
        assertTrue(corrupted > Integer.getInteger("fuzz.n", 400) * 3 / 4, "most random edits must fail: " + corrupted);
    }
}
