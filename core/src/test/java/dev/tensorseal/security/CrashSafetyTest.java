package dev.tensorseal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM sealing a large safetensors file (tensorseal.crash.megabytes, default 200) is killed with SIGKILL
 * once its temporary file is being written: the target is then the previous complete file (it opens and
 * verifies) or absent, and the stray temporary file is never the target's name.
 */
class CrashSafetyTest {
    @TempDir static Path dir;
    static final long KEY_SEED = 42;

    /** The child: {@code CrashSafetyTest$Child in out}. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws IOException {
            SealedFile.importSafetensors(Path.of(args[0]), key(), Path.of(args[1]));
        }
    }

    static KeySource key() {
        byte[] k = new byte[32];
        new Random(KEY_SEED).nextBytes(k);
        return KeySource.bytes(k);
    }

    static Path safetensors(String name, String tensor, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var w = new SafetensorsWriter(ch, List.of(new SafetensorsWriter.Declared(tensor, "U8", new long[] {bytes})), Map.of());
            ByteBuffer block = ByteBuffer.allocate(1 << 20);
            new Random(1).nextBytes(block.array());
            for (long left = bytes; left > 0; left -= block.capacity()) {
                w.write(block.clear().limit((int) Math.min(block.capacity(), left)));
            }
            w.finish();
        }
        return p;
    }

    /**
     * Starts the child sealing {@code in} to {@code target}, kills it once its temp file has data; the stray temp file.
     * Woken by the folder's file events (inotify: the temp file's creation and every write to it), not by sleeping.
     */
    private static Path killMidWrite(Path in, Path target) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                in.toString(), target.toString());
        try (WatchService events = dir.getFileSystem().newWatchService()) {
            dir.register(events, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            Process child = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                String prefix = "." + target.getFileName();
                while (true) {
                    Optional<Path> tmp;
                    try (var files = Files.list(dir)) {
                        tmp = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                                && p.getFileName().toString().endsWith(".tmp")).findFirst();
                    }
                    if (tmp.isPresent() && Files.size(tmp.get()) > (8L << 20)) {
                        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                        assertEquals(137, child.exitValue(), "the child was killed, not finished");
                        return tmp.get();
                    }
                    assertTrue(child.isAlive(), "the child finished (exit " + (child.isAlive() ? "" : child.exitValue())
                            + ") before it could be killed mid-write: raise tensorseal.crash.megabytes");
                    // Until the next create or write in the folder; the timeout only re-checks a child that went quiet.
                    WatchKey key = events.poll(1, TimeUnit.SECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                    }
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aSigkillMidSealLeavesThePreviousFileOrNone() throws Exception {
        long bytes = Long.getLong("tensorseal.crash.megabytes", 200) << 20;
        Path big = safetensors("big.safetensors", "big", bytes);
        Path target = dir.resolve("model.tseal");
        try (KeySource key = key()) {
            SealedFile.importSafetensors(safetensors("small.safetensors", "previous", 70_000), key, target);
            byte[] previous = Files.readAllBytes(target);

            Path stray = killMidWrite(big, target);
            assertFalse(stray.equals(target));
            assertTrue(java.util.Arrays.equals(previous, Files.readAllBytes(target)), "the previous file was changed");
            SealedFile.verify(target, key);
            try (TensorStore s = SealedFile.open(target, key)) {
                assertEquals(List.of("previous"), s.list().stream().map(TensorInfo::name).toList());
            }
            Files.delete(stray);

            Path fresh = dir.resolve("fresh.tseal");
            Path stray2 = killMidWrite(big, fresh);
            assertFalse(Files.exists(fresh), "a half-written target exists");
            assertTrue(Files.exists(stray2));
        } finally {
            Files.deleteIfExists(big);
        }
    }
}
