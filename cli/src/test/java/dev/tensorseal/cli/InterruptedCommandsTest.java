package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code open}, {@code seal} and {@code rekey} in a child JVM, signalled while their temporary file exists:
 * SIGTERM and SIGINT leave no temporary file (it may hold plaintext); after SIGKILL the next run removes it.
 * The child is signalled as soon as its temporary file appears; if it finished first, the input is doubled
 * and the run repeated (count-driven, a deadline only guards against a hang).
 */
class InterruptedCommandsTest {
    private static final long FIRST_MIB = 64;
    private static final long LAST_MIB = 1024;
    private static final long HANG_GUARD_NANOS = TimeUnit.MINUTES.toNanos(3);
    @TempDir Path dir;

    enum Signal {
        TERM(143), INT(130), KILL(137);

        final int exitCode;

        Signal(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    private Path model(long mib) throws IOException {
        Path p = dir.resolve("big.safetensors");
        Files.deleteIfExists(p);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var w = new SafetensorsWriter(ch, List.of(new SafetensorsWriter.Declared("big", "U8", new long[] {mib << 20})), Map.of());
            ByteBuffer block = ByteBuffer.allocate(1 << 20);
            new Random(mib).nextBytes(block.array());
            for (long i = 0; i < mib; i++) {
                w.write(block.clear());
            }
            w.finish();
        }
        return p;
    }

    private List<Path> temporaries(String target) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + target) && p.getFileName().toString().endsWith(".tmp"))
                    .toList();
        }
    }

    /**
     * Runs {@code args} in a child, signals it once a temporary file for {@code target} exists; the child's exit
     * code, or -1 when it finished before it could be signalled.
     */
    private int signalMidWrite(Signal signal, String target, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "child", ".log");
        ProcessBuilder b = ChildCli.builder(List.of(), Map.of(), args).redirectOutput(log.toFile());
        // At the lowest priority the child leaves this thread the cores on a loaded machine, so the window in which
        // its temporary file exists is seen. SIGINT back to its default: a background job of a non-interactive shell
        // (a CI step, `cmd &`) starts with SIGINT ignored, its children inherit that, and the JVM then installs no
        // handler, so the child would run to the end. Both tools exec the JVM: the pid signalled below is its own.
        b.command().addAll(0, List.of("env", "--default-signal=INT", "nice", "-n", "19"));
        Process child = b.start();
        try {
            long deadline = System.nanoTime() + HANG_GUARD_NANOS;
            while (temporaries(target).isEmpty()) {
                if (!child.isAlive()) {
                    // Finished first (retried with a larger input), or failed before writing: say which, with its words.
                    assertEquals(0, child.exitValue(), String.join(" ", args) + " failed before it wrote: " + Files.readString(log));
                    return -1;
                }
                if (System.nanoTime() > deadline) {
                    fail("hang guard: no temporary file for " + target + " appeared");
                }
                Thread.sleep(1);
            }
            switch (signal) {
                case TERM -> child.destroy();
                case KILL -> child.destroyForcibly();
                case INT -> assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor());
            }
            assertTrue(child.waitFor(2, TimeUnit.MINUTES), "hang guard: the child did not exit after SIG" + signal);
            return child.exitValue();
        } finally {
            child.destroyForcibly();
        }
    }

    /** Signals {@code command} mid-write, doubling the input until the signal lands; the exit code. */
    private int interrupt(Signal signal, String command, String target) throws Exception {
        Path key = dir.resolve("k.key");
        Path key2 = dir.resolve("k2.key");
        if (!Files.exists(key)) {
            assertEquals(0, FileCommandsTest.run("keygen", "-o", key.toString()).code());
            assertEquals(0, FileCommandsTest.run("keygen", "-o", key2.toString()).code());
        }
        for (long mib = FIRST_MIB; mib <= LAST_MIB; mib *= 2) {
            Path in = model(mib);
            Path sealed = dir.resolve("big.tseal");
            Files.deleteIfExists(sealed);
            Files.deleteIfExists(dir.resolve(target));
            if (!command.equals("seal")) {
                assertEquals(0, FileCommandsTest.run("seal", in.toString(), "-o", sealed.toString(), "--key-file", key.toString())
                        .code());
            }
            String[] args = switch (command) {
                case "seal" -> new String[] {"seal", in.toString(), "-o", dir.resolve(target).toString(), "--key-file", key.toString()};
                case "open" -> new String[] {"open", sealed.toString(), "-o", dir.resolve(target).toString(), "--key-file",
                        key.toString()};
                default -> new String[] {"rekey", sealed.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString()};
            };
            int code = signalMidWrite(signal, target, args);
            if (code != -1 && code != 0) {
                assertEquals(signal.exitCode, code, command + " was not ended by SIG" + signal);
                return code;
            }
        }
        throw new AssertionError(command + " of " + LAST_MIB + " MiB finished before its temporary file could be seen");
    }

    @Test
    void sigtermAndSigintDuringOpenSealAndRekeyLeaveNoTemporaryFile() throws Exception {
        for (Signal signal : List.of(Signal.TERM, Signal.INT)) {
            for (String[] c : List.of(new String[] {"open", "out.safetensors"}, new String[] {"seal", "out.tseal"},
                    new String[] {"rekey", "big.tseal"})) {
                interrupt(signal, c[0], c[1]);
                assertEquals(List.of(), temporaries(c[1]), c[0] + " after SIG" + signal + " left a temporary file");
            }
        }
    }

    @Test
    void afterSigkillTheNextRunRemovesTheTemporaryFileTheKilledOneLeft() throws Exception {
        interrupt(Signal.KILL, "open", "out.safetensors");
        assertEquals(1, temporaries("out.safetensors").size(), "SIGKILL runs no clean-up: the temporary file is there");
        Path key = dir.resolve("k.key");
        var again = FileCommandsTest.run("open", dir.resolve("big.tseal").toString(), "-o", dir.resolve("out.safetensors").toString(),
                "--key-file", key.toString(), "--quiet");
        assertEquals(0, again.code(), again.err());
        assertEquals(List.of(), temporaries("out.safetensors"), "the stale temporary file of the killed run is still there");
    }
}
