package dev.tensorseal.internal.tseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property tests over damaged .tseal files: every random byte edit, truncation, extension or header-length
 * value ends in a TensorSealException (most of them IntegrityException) or, for an edit in the zero gap
 * after a chunk (which no tag covers), the exact original plaintext. Never other plaintext, never another
 * exception type (OutOfMemoryError, ArithmeticException, IndexOutOfBounds...), never a hang (30 s guard).
 */
class TsealFuzzTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    @TempDir static Path dir;
    static KeySource key;
    static byte[] file;
    static Map<String, byte[]> plaintext = new LinkedHashMap<>();
    /** File ranges some tag or MAC covers: header + MAC and every chunk's ciphertext || tag. */
    static long[][] covered;
    static final AtomicInteger gapEdits = new AtomicInteger();

    @BeforeAll
    static void seal() throws IOException {
        byte[] k = new byte[32];
        new Random(3).nextBytes(k);
        key = KeySource.bytes(k);
        Path st = dir.resolve("small.safetensors");
        byte[] a = new byte[5000];
        byte[] b = new byte[3];
        new Random(4).nextBytes(a);
        new Random(5).nextBytes(b);
        try (FileChannel ch = FileChannel.open(st, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var w = new SafetensorsWriter(ch, List.of(new SafetensorsWriter.Declared("a", "F32", new long[] {1250}),
                    new SafetensorsWriter.Declared("b", "I8", new long[] {3})), Map.of());
            w.write(ByteBuffer.wrap(a));
            w.write(ByteBuffer.wrap(b));
            w.finish();
        }
        plaintext.put("a", a);
        plaintext.put("b", b);
        Path sealed = dir.resolve("small.tseal");
        SealedFile.importSafetensors(st, key, sealed);
        file = Files.readAllBytes(sealed);
        TsealHeader h = TsealReader.readUnverified(sealed);
        int headerBytes = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        var ranges = new java.util.ArrayList<long[]>();
        ranges.add(new long[] {0, headerBytes + TsealHeader.MAC_BYTES});
        for (TsealHeader.Entry e : h.tensors()) {
            for (int c = 0; c < e.chunkCount(); c++) {
                ranges.add(new long[] {e.chunkOffsetBytes(c), e.chunkOffsetBytes(c) + e.chunkBytes(c)});
            }
        }
        covered = ranges.toArray(long[][]::new);
    }

    private static boolean isCovered(long at) {
        for (long[] r : covered) {
            if (at >= r[0] && at < r[1]) {
                return true;
            }
        }
        return false;
    }

    /** Opens the damaged bytes and reads every tensor; true if it failed cleanly, false if it read the originals. */
    private static boolean failsCleanlyOrReadsTheOriginal(byte[] damaged, String what) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            Path p = Files.createTempFile(dir, "fuzz", ".tseal");
            Files.write(p, damaged);
            try (TensorStore store = SealedFile.open(p, key)) {
                for (var e : plaintext.entrySet()) {
                    try (TensorView v = store.read(e.getKey())) {
                        assertArrayEquals(e.getValue(), v.toByteArray(), what + ": wrong plaintext for " + e.getKey());
                    }
                }
                return false;
            } catch (TensorSealException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), what + ": no message");
                return true;
            } catch (Throwable other) {
                throw new AssertionError(what + ": " + other.getClass().getName() + " instead of a TensorSealException", other);
            } finally {
                Files.delete(p);
            }
        }, what + ": hang");
    }

    @Test
    void anEditedByteFailsCleanlyUnlessItIsInAnUncoveredZeroGap() {
        qt().withExamples(200).forAll(integers().between(0, file.length - 1), integers().between(1, 255))
                .checkAssert((at, xor) -> {
                    byte[] d = file.clone();
                    d[at] ^= xor.byteValue();
                    boolean failed = failsCleanlyOrReadsTheOriginal(d, "byte " + at + " ^ " + xor);
                    if (!failed) {
                        gapEdits.incrementAndGet();
                        assertTrue(!isCovered(at), "an edit at covered byte " + at + " went unnoticed");
                    }
                });
    }

    @Test
    void everyTruncationFailsCleanly() {
        qt().withExamples(60).forAll(integers().between(0, file.length - 1)).checkAssert(len ->
                assertTrue(failsCleanlyOrReadsTheOriginal(Arrays.copyOf(file, len), "truncated to " + len)));
    }

    @Test
    void everyExtensionFailsCleanly() {
        qt().withExamples(40).forAll(integers().between(1, 70_000), integers().all()).checkAssert((extra, seed) -> {
            byte[] d = Arrays.copyOf(file, file.length + extra);
            byte[] tail = new byte[extra];
            new Random(seed).nextBytes(tail);
            System.arraycopy(tail, 0, d, file.length, extra);
            assertTrue(failsCleanlyOrReadsTheOriginal(d, "extended by " + extra));
        });
    }

    @Test
    void anyHeaderLengthValueFailsCleanlyWithoutAllocatingIt() {
        int real = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        qt().withExamples(80).forAll(integers().all()).checkAssert(len -> {
            if (len == real) {
                return;
            }
            byte[] d = file.clone();
            ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(12, len);
            assertTrue(failsCleanlyOrReadsTheOriginal(d, "header length " + len));
        });
    }

    @Test
    void unchangedBytesStillOpen() {
        if (failsCleanlyOrReadsTheOriginal(file, "unchanged")) {
            fail("the undamaged file did not open");
        }
    }
}
