package dev.tensorseal.examples;

import dev.tensorseal.DType;
import dev.tensorseal.DeviceTensor;
import dev.tensorseal.GpuSession;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.nativebridge.CudaModule;
import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * GPU example: a 256x256 F32 weight matrix, a bias and an input vector are sealed in a {@link TensorStore};
 * a {@link GpuSession} uploads them as ciphertext and decrypts and verifies them on the device; a small CUDA kernel
 * (native-bridge's packaged {@code tensor_ops} module) computes {@code y = relu(W x + b)} on the device plaintext;
 * the session seals {@code y} on the device and commits it to the store, so neither the weights nor the result
 * pass through host memory in plaintext on the way. The CPU then computes the same layer from store views and the
 * two results are compared. Where no usable GPU (driver, device, packaged kernels) is present it prints why and
 * exits 0, so it runs everywhere.
 */
public final class GpuSealedWeights {
    static final int ROWS = 256;
    static final int COLS = 256;
    /** Float sums in another order (warp tree on the device, sequential on the CPU) agree to rounding only. */
    static final float TOLERANCE = 1e-4f;
    private static final int BLOCK_THREADS = 256;
    private static final int CHUNK_BYTES = 16 * 1024;

    private GpuSealedWeights() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Exit code: 0 when the device result matches the CPU's, or when there is no GPU (printed); 1 on a mismatch. */
    public static int run(PrintStream out) {
        return run(new String[0], out);
    }

    /**
     * As {@link #run(PrintStream)}; {@code --probe-only} (gpu-check.sh --host-only) stops after the GPU probe,
     * so no device memory is touched; {@code --require-gpu} (gpu-check.sh on a GPU machine) makes a missing GPU
     * exit 1. Exit 2 with a usage line on other arguments.
     */
    public static int run(String[] args, PrintStream out) {
        boolean probeOnly = args.length == 1 && args[0].equals("--probe-only");
        boolean requireGpu = args.length == 1 && args[0].equals("--require-gpu");
        if (args.length > 1 || (args.length == 1 && !probeOnly && !requireGpu)) {
            out.println("usage: GpuSealedWeights [--probe-only | --require-gpu]");
            return 2;
        }
        GpuReport report = Gpus.probe();
        Optional<String> why = whyNoGpu(report);
        if (why.isPresent()) {
            out.println("gpu example: skipped, no usable GPU: " + why.get());
            return requireGpu ? 1 : 0;
        }
        if (probeOnly) {
            out.println("gpu example: GPU " + report.devices().get(0).name() + " usable; device path not run (--probe-only)");
            return 0;
        }
        return runOnDevice(out);
    }

    /** Why the device path cannot run here, from a probe; empty when it can. */
    static Optional<String> whyNoGpu(GpuReport report) {
        if (!report.driver().isAvailable()) {
            return Optional.of(report.driver().reason());
        }
        if (report.devices().isEmpty()) {
            return Optional.of("the CUDA driver reports no devices");
        }
        if (!report.kernel().isAvailable()) {
            return Optional.of("the AES-GCM kernel is not packaged (" + report.kernel() + ")");
        }
        var session = GpuSession.availability();
        return session.isAvailable() ? Optional.empty() : Optional.of(session.toString());
    }

    private static int runOnDevice(PrintStream out) {
        Random random = new Random(7);
        float[] w = gaussian(random, ROWS * COLS, (float) Math.sqrt(2.0 / COLS));
        float[] b = gaussian(random, ROWS, 0.1f);
        float[] x = gaussian(random, COLS, 1f);
        byte[] keyBytes = new byte[KeySource.KEY_BYTES];
        new SecureRandom().nextBytes(keyBytes);
        try (KeySource key = KeySource.bytes(keyBytes);
             TensorStore store = TensorStore.builder().keySource(key).chunkSizeBytes(CHUNK_BYTES).build()) {
            Arrays.fill(keyBytes, (byte) 0);
            store.put("w", w, ROWS, COLS);
            store.put("b", b, ROWS);
            store.put("x", x, COLS);
            Arrays.fill(w, 0f); // from here on the inputs exist only sealed
            Arrays.fill(b, 0f);
            Arrays.fill(x, 0f);
            String device;
            String image;
            try (GpuSession gpu = GpuSession.open(0);
                 CudaModule ops = CudaModule.loadPackaged(gpu.deviceOrdinal(), "tensor_ops");
                 DeviceTensor dw = gpu.upload(store, "w");
                 DeviceTensor db = gpu.upload(store, "b");
                 DeviceTensor dx = gpu.upload(store, "x");
                 DeviceTensor dy = gpu.allocate("y", DType.F32, ROWS)) {
                device = Gpus.probe().devices().get(gpu.deviceOrdinal()).name();
                image = ops.image();
                int grid = (ROWS + BLOCK_THREADS / 32 - 1) / (BLOCK_THREADS / 32); // one warp per row
                ops.launch("tensorseal_matvec_bias_relu", grid, BLOCK_THREADS, gpu.stream(), dw.devicePointer(),
                        dx.devicePointer(), db.devicePointer(), dy.devicePointer(), ROWS, COLS);
                gpu.seal(dy, store); // same stream: runs after the kernel; only ciphertext comes back
            }
            float[] cpu = cpuLayer(store);
            float[] gpu = new float[ROWS];
            try (TensorView y = store.read("y")) {
                for (int i = 0; i < ROWS; i++) {
                    gpu[i] = y.getFloat(i);
                }
            }
            float maxDiff = 0;
            int positive = 0;
            for (int i = 0; i < ROWS; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(gpu[i] - cpu[i]));
                positive += gpu[i] > 0 ? 1 : 0;
            }
            out.printf("gpu example: %s, kernel %s; w %dx%d F32 (%d chunks), b, x uploaded sealed, opened on the device%n",
                    device, image, ROWS, COLS, chunks(ROWS * COLS * 4L, CHUNK_BYTES));
            out.printf("gpu example: y = relu(W x + b) computed on the device, sealed there, read back through the store"
                    + " (%d of %d outputs positive)%n", positive, ROWS);
            boolean ok = maxDiff <= TOLERANCE;
            out.printf("gpu example: %s the CPU computation from store views (max abs diff %.3g, tolerance %.0e)%n",
                    ok ? "device result matches" : "MISMATCH with", maxDiff, TOLERANCE);
            return ok ? 0 : 1;
        }
    }

    /** relu(W x + b) on the CPU from store views (this reference does put W in host memory; the device path did not). */
    static float[] cpuLayer(TensorStore store) {
        float[] y = new float[ROWS];
        try (TensorView w = store.read("w"); TensorView b = store.read("b"); TensorView x = store.read("x")) {
            for (int r = 0; r < ROWS; r++) {
                float acc = 0;
                for (int c = 0; c < COLS; c++) {
                    acc += w.getFloat((long) r * COLS + c) * x.getFloat(c);
                }
                y[r] = Math.max(acc + b.getFloat(r), 0f);
            }
        }
        return y;
    }

    private static long chunks(long bytes, int chunkBytes) {
        return (bytes + chunkBytes - 1) / chunkBytes;
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian() * scale;
        }
        return a;
    }
}
