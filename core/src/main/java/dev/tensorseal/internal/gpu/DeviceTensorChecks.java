package dev.tensorseal.internal.gpu;

import dev.tensorseal.DType;
import dev.tensorseal.DeviceTensor;
import dev.tensorseal.GpuSession;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

/**
 * The core half of native-bridge/gpu-check.sh: the device-tensor checks of {@code DeviceTensorGpuTest} as a main,
 * because the GPU machine has no Maven or JUnit. Upload then seal back on the device reads back equal through the
 * store; a device-sealed zero tensor (twice: fresh key, next generation) reads back as zeros; a tampered chunk is an
 * {@link IntegrityException} from the device naming that chunk. The host half (always run; alone with
 * {@code --host-only}, as CI does) builds the same fixtures and checks that the CPU store rejects the tampered chunk
 * too, so the device half's expectation is sound. Exit 0 when every check passed, 1 otherwise, 2 on bad arguments.
 * A client of the public API only (the tampered copy is a saved file with a flipped bit), so it can leave core.
 */
public final class DeviceTensorChecks {
    static final int CHUNK_BYTES = 4096;
    static final int TAMPERED_CHUNK = 5;

    private final PrintStream out;
    private int failures;

    private DeviceTensorChecks(PrintStream out) {
        this.out = out;
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
        out.println(c.failures == 0 ? "core-checks: PASS" : "core-checks: FAIL (" + c.failures + " checks failed)");
        return c.failures == 0 ? 0 : 1;
    }

    private void verdict(String what, boolean ok, String detail) {
        out.printf("%-52s %s%s%n", what, ok ? "ok" : "FAILED", detail.isEmpty() ? "" : "  (" + detail + ")");
        failures += ok ? 0 : 1;
    }

    private static TensorStore store(KeySource key) {
        return TensorStore.builder().keySource(key).chunkSizeBytes(CHUNK_BYTES).parallelism(2).build();
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
     * A copy of {@code store} (one tensor "w") with one bit of chunk {@link #TAMPERED_CHUNK}'s ciphertext flipped: saved
     * to a temporary file, the bit flipped there, opened. The file is deleted at once; the open store keeps reading it.
     */
    private static TensorStore tampered(TensorStore store, KeySource key) {
        try {
            Path dir = Files.createTempDirectory("tensorseal-tamper");
            Path file = dir.resolve("w.tseal");
            try {
                SealedFile.save(store, file);
                long at = TsealReader.readUnverified(file).tensors().get(0).chunkOffsetBytes(TAMPERED_CHUNK) + 100;
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer bit = ByteBuffer.allocate(1);
                    ch.read(bit, at);
                    bit.put(0, (byte) (bit.get(0) ^ 4)).rewind();
                    ch.write(bit, at);
                }
                return SealedFile.open(file, TensorStore.builder().keySource(key).parallelism(2));
            } finally {
                Files.deleteIfExists(file);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the tamper fixture failed", e);
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
            try (TensorStore evil = tampered(store, key)) {
                try (TensorView v = evil.read("w")) {
                    verdict("tamper fixture rejected by the CPU store", false, "read " + v.byteSize() + " bytes");
                } catch (IntegrityException e) {
                    verdict("tamper fixture rejected by the CPU store", namesTamperedChunk(e), describe(e));
                }
            }
        }
        out.println("gpu session: " + GpuSession.availability()); // never throws, with or without a driver
    }

    private void deviceHalf() {
        var a = GpuSession.availability();
        if (!a.isAvailable()) {
            verdict("GPU session available", false, a.toString());
            return;
        }
        try {
            roundTrip();
            tamperOnDevice();
        } catch (RuntimeException e) {
            verdict("core device checks", false, e.getClass().getSimpleName() + ": " + e.getMessage());
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
            verdict("upload, seal back on the device, read through store", Arrays.equals(data, read(store, "w2")),
                    data.length + " bytes, 38 chunks, " + ms + " ms");
            try (DeviceTensor zeros = gpu.allocate("z", DType.F32, 3, CHUNK_BYTES)) {
                gpu.seal(zeros, store);
                gpu.seal(zeros, store); // a second state of the same tensor: fresh key, next generation
            }
            verdict("device-sealed zeros, sealed twice, read as zeros", Arrays.equals(new byte[3 * CHUNK_BYTES * 4],
                    read(store, "z")), "F32 [3, " + CHUNK_BYTES + "]");
        }
    }

    private void tamperOnDevice() {
        try (KeySource key = key(2); TensorStore store = store(key)) {
            store.put("w", DType.U8, new long[] {8 * CHUNK_BYTES}, random(2, 8 * CHUNK_BYTES));
            try (TensorStore evil = tampered(store, key); GpuSession gpu = GpuSession.open(0)) {
                try (DeviceTensor t = gpu.upload(evil, "w")) {
                    verdict("tampered chunk rejected on the device", false, "upload of " + t.byteSize() + " bytes succeeded");
                } catch (IntegrityException e) {
                    verdict("tampered chunk rejected on the device", namesTamperedChunk(e), describe(e));
                }
                try (DeviceTensor t = gpu.upload(store, "w")) {
                    verdict("untampered store still uploads in the same session", t.byteSize() == 8L * CHUNK_BYTES, "");
                }
            }
        }
    }
}
