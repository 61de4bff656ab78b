package dev.tensorseal.devtools.gpu;

import dev.tensorseal.DType;
import dev.tensorseal.DeviceTensor;
import dev.tensorseal.GpuSession;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

/**
 * The core half of dev-tools/gpu-check.sh: the device-tensor checks of {@code DeviceTensorGpuTest} as a main,
 * because the GPU machine has no Maven or JUnit. Upload then seal back on the device reads back equal through the
 * store; a device-sealed zero tensor (twice: fresh key, next generation) reads back as zeros; a tampered chunk is an
 * {@link IntegrityException} from the device naming that chunk. The host half (always run; alone with
 * {@code --host-only}, as CI does) builds the same fixtures and checks that the CPU store rejects the tampered chunk
 * too, so the device half's expectation is sound. Exit 0 when every check passed, 1 otherwise, 2 on bad arguments.
 * Only core's public API is used: the tampered fixture is a saved .tseal with one ciphertext bit flipped where
 * FORMAT.md puts that chunk.
 */
public final class DeviceTensorChecks {
    static final int CHUNK_BYTES = 4096;
    static final int TAMPERED_CHUNK = 5;

    private final PrintStream out;
    private final Verdicts verdicts;

    private DeviceTensorChecks(PrintStream out) {
        this.out = out;
        this.verdicts = new Verdicts(out);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the checks; {@code --host-only} skips every device call. */
    public static int run(String[] args, PrintStream out) {
        boolean hostOnly = false;
        for (String a : args) {
            if (a.equals("--host-only")) {
                hostOnly = true;
            } else {
                out.println("usage: device-tensor-checks [--host-only]");
                return 2;
            }
        }
        DeviceTensorChecks c = new DeviceTensorChecks(out);
        out.println("== core device tensors (GpuSession, DeviceTensor) ==");
        c.hostHalf();
        if (hostOnly) {
            out.println("core device half: skipped (--host-only)");
        } else {
            c.deviceHalf();
        }
        return c.verdicts.finish("core-checks");
    }

    private static TensorStore store(KeySource key) {
        return TensorStore.builder().keySource(key).chunkSizeBytes(CHUNK_BYTES).plaintextBudgetBytes(1L << 30)
                .parallelism(2).build();
    }

    private static KeySource key(long seed) {
        byte[] k = new byte[KeySource.KEY_BYTES];
        new Random(seed).nextBytes(k);
        k[0] |= 1;
        return KeySource.bytes(k);
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(TensorStore store, String name) {
        try (TensorView v = store.read(name)) {
            return v.segment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * {@code store} (one tensor "w" of at least 4096 sealed bytes) saved to a temporary .tseal with one bit of chunk
     * {@link #TAMPERED_CHUNK}'s ciphertext flipped, opened again. FORMAT.md: the header region's length {@code H} is the
     * u32 at offset 12; the first tensor's data starts at {@code H + 32} (a multiple of 4096), chunk {@code i} at
     * {@code i * (chunk size + 16)} after it. The header MAC does not cover chunk data, so the file opens.
     */
    private static Tampered tampered(TensorStore store, KeySource key) {
        try {
            Path file = Files.createTempFile("tensorseal-device-checks", ".tseal");
            try {
                SealedFile.save(store, key, file);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer h = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                    ch.read(h, 12);
                    long at = h.getInt(0) + 32L + (long) TAMPERED_CHUNK * (CHUNK_BYTES + 16) + 100;
                    ByteBuffer b = ByteBuffer.allocate(1);
                    ch.read(b, at);
                    b.put(0, (byte) (b.get(0) ^ 4)).rewind();
                    ch.write(b, at);
                }
                return new Tampered(SealedFile.open(file, key), file);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tampered fixture: " + e.getMessage(), e);
        }
    }

    /** The tampered store and its file, deleted once the store is closed. */
    private record Tampered(TensorStore store, Path file) implements AutoCloseable {
        @Override
        public void close() {
            try {
                store.close();
            } finally {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    System.err.println("device-tensor-checks: could not delete " + file + ": " + e.getMessage());
                }
            }
        }
    }

    private static String describe(IntegrityException e) {
        return "tensor " + e.tensor().orElse("?") + ", chunk " + (e.chunk().isPresent() ? String.valueOf(e.chunk().getAsLong()) : "?");
    }

    private static boolean namesTamperedChunk(IntegrityException e) {
        return e.tensor().filter("w"::equals).isPresent() && e.chunk().isPresent()
                && e.chunk().getAsLong() == TAMPERED_CHUNK;
    }

    private void hostHalf() {
        try (KeySource key = key(2); TensorStore store = store(key)) {
            store.put("w", DType.U8, new long[] {8 * CHUNK_BYTES}, random(2, 8 * CHUNK_BYTES));
            try (Tampered evil = tampered(store, key)) {
                try (TensorView v = evil.store().read("w")) {
                    verdicts.report("tamper fixture rejected by the CPU store", false, "read " + v.byteSize() + " bytes");
                } catch (IntegrityException e) {
                    verdicts.report("tamper fixture rejected by the CPU store", namesTamperedChunk(e), describe(e));
                }
            }
        }
        out.println("gpu session: " + GpuSession.availability()); // never throws, with or without a driver
    }

    private void deviceHalf() {
        var a = GpuSession.availability();
        if (!a.isAvailable()) {
            verdicts.report("GPU session available", false, a.toString());
            return;
        }
        try {
            roundTrip();
            tamperOnDevice();
        } catch (RuntimeException e) {
            verdicts.report("core device checks", false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void roundTrip() {
        byte[] data = random(1, 37 * CHUNK_BYTES + 5);
        try (KeySource key = key(1); TensorStore store = store(key); GpuSession gpu = GpuSession.open(0)) {
            store.put("w", DType.U8, new long[] {data.length}, data);
            long t0 = System.nanoTime();
            try (DeviceTensor t = gpu.upload(store, "w")) {
                gpu.seal(t, store, "w2"); // device plaintext -> sealed on the device -> read on the CPU
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            verdicts.report("upload, seal back on the device, read through store", Arrays.equals(data, read(store, "w2")),
                    data.length + " bytes, 38 chunks, " + ms + " ms");
            try (DeviceTensor zeros = gpu.allocate("z", DType.F32, 3, CHUNK_BYTES)) {
                gpu.seal(zeros, store);
                gpu.seal(zeros, store); // a second state of the same tensor: fresh key, next generation
            }
            verdicts.report("device-sealed zeros, sealed twice, read as zeros", Arrays.equals(new byte[3 * CHUNK_BYTES * 4],
                    read(store, "z")), "F32 [3, " + CHUNK_BYTES + "]");
        }
    }

    private void tamperOnDevice() {
        try (KeySource key = key(2); TensorStore store = store(key)) {
            store.put("w", DType.U8, new long[] {8 * CHUNK_BYTES}, random(2, 8 * CHUNK_BYTES));
            try (Tampered evil = tampered(store, key); GpuSession gpu = GpuSession.open(0)) {
                try (DeviceTensor t = gpu.upload(evil.store(), "w")) {
                    verdicts.report("tampered chunk rejected on the device", false, "upload of " + t.byteSize() + " bytes succeeded");
                } catch (IntegrityException e) {
                    verdicts.report("tampered chunk rejected on the device", namesTamperedChunk(e), describe(e));
                }
                try (DeviceTensor t = gpu.upload(store, "w")) {
                    verdicts.report("untampered store still uploads in the same session", t.byteSize() == 8L * CHUNK_BYTES, "");
                }
            }
        }
    }
}
