package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Argon2id cost of a passphrase file is read from its unauthenticated header: over the caller's limits it is
 * refused before any work, and a cost the heap cannot hold is refused before allocating (a child JVM, for the
 * passphrase variable and a small heap).
 */
class KdfLimitsCommandTest {
    private static final Map<String, String> ENV = Map.of("TENSORSEAL_TEST_PASSPHRASE", "correct horse battery staple");
    @TempDir Path dir;
    Path sealed;

    record Outcome(int code, String output) {}

    private static Outcome cli(List<String> jvm, String... args) throws IOException, InterruptedException {
        Process p = ChildCli.builder(jvm, ENV, args).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "hang guard");
        return new Outcome(p.exitValue(), output);
    }

    @BeforeEach
    void setUp() throws Exception {
        Path model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 1);
        sealed = dir.resolve("m.tseal");
        Outcome o = cli(List.of(), "seal", model.toString(), "-o", sealed.toString(), "--passphrase-env", "TENSORSEAL_TEST_PASSPHRASE");
        assertEquals(0, o.code(), o.output());
    }

    /** Sets the header's Argon2id memory (KiB) and passes, as anyone who can write the file can. */
    private void setCost(int memoryKiB, int passes) throws IOException {
        try (FileChannel ch = FileChannel.open(sealed, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(memoryKiB).putInt(passes).flip(), 44);
        }
    }

    @Test
    void theDefaultSealingCostOpensWithinTheDefaultLimits() throws Exception {
        Outcome o = cli(List.of(), "verify", sealed.toString(), "--passphrase-env", "TENSORSEAL_TEST_PASSPHRASE");
        assertEquals(0, o.code(), o.output());
    }

    @Test
    void aCostOverTheLimitsIsRefusedBeforeDerivingAndTheLimitsCanBeLowered() throws Exception {
        setCost(1 << 20, 32);
        Outcome o = cli(List.of(), "verify", sealed.toString(), "--passphrase-env", "TENSORSEAL_TEST_PASSPHRASE");
        assertEquals(2, o.code(), o.output());
        assertTrue(o.output().contains("asks Argon2id for 1024 MiB and 32 passes, over the limit of 256 MiB and 8 passes"),
                o.output());
        setCost(64 * 1024, 3);
        o = cli(List.of(), "verify", sealed.toString(), "--passphrase-env", "TENSORSEAL_TEST_PASSPHRASE",
                "--max-kdf-memory", "32", "--max-kdf-passes", "2");
        assertEquals(2, o.code(), o.output());
        assertTrue(o.output().contains("over the limit of 32 MiB and 2 passes"), o.output());
        o = cli(List.of(), "inspect", sealed.toString(), "--passphrase-env", "TENSORSEAL_TEST_PASSPHRASE", "--max-kdf-passes", "0");
        assertEquals(2, o.code(), o.output());
        assertTrue(o.output().contains("--max-kdf-passes must be a whole number from 1 to 32"), o.output());
    }

    @Test
    void aCostTheHeapCannotHoldIsRefusedInsteadOfRunningOutOfMemory() throws Exception {
        setCost(200 * 1024, 1); // within the default limits, more than a 128 MiB heap holds
        Outcome o = cli(List.of("-Xmx128m"), "open", sealed.toString(), "-o", dir.resolve("out.safetensors").toString(),
                "--passphrase-env", "TENSORSEAL_TEST_PASSPHRASE");
        assertEquals(2, o.code(), o.output());
        assertTrue(o.output().contains("of Java heap") && o.output().contains("raise -Xmx"), o.output());
        assertFalse(o.output().contains("OutOfMemoryError"), o.output());
    }
}
