package dev.tensorseal.internal.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our signatures checked by tools/model_signing_verify.py, which follows model_signing's own `verify key` steps with
 * pyca/cryptography (an independent ECDSA, DER, PEM and JSON implementation); the script itself is checked against
 * model_signing 1.0.0's real signature, so it cannot drift into agreeing only with us.
 */
class ModelSigningPythonTest {
    static final Path SCRIPT = Path.of("../tools/model_signing_verify.py");
    static final Path DATA = Path.of("src/test/resources/model-signing");
    @TempDir Path dir;

    record Run(int code, String output) {}

    @BeforeEach
    void python() throws InterruptedException {
        String why;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import cryptography.hazmat.primitives.asymmetric.ec")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            why = p.waitFor() == 0 ? null : "python3 cannot import cryptography: " + out.strip();
        } catch (IOException e) {
            why = "python3 not found: " + e.getMessage();
        }
        if (why == null) {
            return;
        }
        if (Boolean.getBoolean("tensorseal.ci") || "true".equals(System.getenv("CI"))) {
            fail("under CI the model signing check must run: " + why);
        }
        System.out.println("skipping: " + why);
        Assumptions.abort(why);
    }

    private static Run verify(Path model, Path sig, Path pub) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("python3", SCRIPT.toString(), model.toString(), sig.toString(), pub.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    @Test
    void theScriptAcceptsModelSigning100sOwnSignatureAndRefusesItOnAChangedFile() throws Exception {
        Run good = verify(DATA.resolve("signme-1"), DATA.resolve("signme-1.sig"), DATA.resolve("signing-key-pub.pem"));
        assertEquals(0, good.code(), good.output());
        Path changed = Files.write(dir.resolve("signme-1"), (Files.readString(DATA.resolve("signme-1")) + "x").getBytes());
        Run bad = verify(changed, DATA.resolve("signme-1.sig"), DATA.resolve("signing-key-pub.pem"));
        assertEquals(1, bad.code(), bad.output());
    }

    @Test
    void ourSignatureOfASealedFilePassesModelSigningsStepsAndAFlippedByteFails() throws Exception {
        KeyPair pair = SigningKeys.generate();
        Path file = Files.write(dir.resolve("m.tseal"), new byte[8192]);
        ModelSigning.sign(file, pair.getPrivate(), pair.getPublic(), false);
        Path pub = Files.write(dir.resolve("signer.pub.pem"), SigningKeys.publicPem(pair.getPublic()));
        Run good = verify(file, ModelSigning.signaturePath(file), pub);
        assertEquals(0, good.code(), good.output());
        byte[] b = Files.readAllBytes(file);
        b[4096] ^= 1;
        Files.write(file, b);
        Run bad = verify(file, ModelSigning.signaturePath(file), pub);
        assertEquals(1, bad.code(), bad.output());
        assertTrue(bad.output().contains("Signature mismatch"), bad.output());
        Path other = Files.write(dir.resolve("other.pub.pem"), SigningKeys.publicPem(SigningKeys.generate().getPublic()));
        b[4096] ^= 1;
        Files.write(file, b);
        Run foreign = verify(file, ModelSigning.signaturePath(file), other);
        assertEquals(1, foreign.code(), foreign.output());
        assertTrue(foreign.output().contains("Key mismatch"), foreign.output());
    }
}
