package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.crypto.GcmEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cold figure: a fresh JVM (same java, same class path) opens the bench's .tseal file and
 * unseals the first {@code bytes} of its tensor. The figure is bytes / (engine warm-up + the view's
 * open to last byte): the library's once-per-JVM warm-up is counted; opening the file (header, key
 * check, class loading) is reported apart as {@code open_ms}.
 */
public final class BenchColdChild {
    private BenchColdChild() {}

    /** Child entry point: {@code <key file> <.tseal file> <bytes> [engine]}; prints one JSON line. */
    public static void main(String[] args) throws IOException {
        Path key = Path.of(args[0]);
        Path file = Path.of(args[1]);
        long bytes = Long.parseLong(args[2]);
        String engine = args.length > 3 ? args[3] : GcmEngine.defaultName();
        long t0 = System.nanoTime();
        long warm = GcmEngine.named(engine).warmUp(); // what building the store would do first; timed apart
        try (TensorStore s = SealedFile.open(file, TensorStore.builder().keySource(KeySource.file(key)).engine(engine))) {
            long t1 = System.nanoTime();
            long t2;
            try (TensorView v = s.read("t", 0, bytes)) {
                t2 = System.nanoTime();
                if (v.byteSize() != bytes) {
                    throw new IllegalStateException("view has " + v.byteSize() + " bytes");
                }
            }
            // The same read again in this JVM: file-backed and warm, to tell JIT warm-up from page faults.
            long t3 = System.nanoTime();
            try (TensorView v = s.read("t", 0, bytes)) {
                long t4 = System.nanoTime();
                if (v.byteSize() != bytes) {
                    throw new IllegalStateException("view has " + v.byteSize() + " bytes");
                }
                System.out.println(String.format(Locale.ROOT, "{\"cold_unseal_gbps\": %.4f, \"warm_up_ms\": %.3f, \"open_ms\": %.3f,"
                        + " \"read_ms\": %.3f, \"file_warm_unseal_gbps\": %.4f}", bytes / (double) (t2 - t1 + warm), warm / 1e6,
                        (t1 - t0 - warm) / 1e6, (t2 - t1) / 1e6, bytes / (double) (t4 - t3)));
            }
        }
    }

    /** One child's figures: its engine, the cold unseal (warm-up counted), the warm-up alone, the warm file read. */
    record Figures(String engine, double coldUnsealGbps, double warmUpMillis, double fileWarmUnsealGbps) {}

    /** Runs the child with the parent's java and class path; returns its numbers. */
    static Figures spawn(Path key, Path file, long bytes, int threads, String engine)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:ActiveProcessorCount=" + threads,
                "-cp", System.getProperty("java.class.path"), BenchColdChild.class.getName(), key.toString(), file.toString(),
                Long.toString(bytes), engine));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] all = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("cold child JVM failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + "): "
                    + new String(all, StandardCharsets.UTF_8).strip());
        }
        String text = new String(all, StandardCharsets.UTF_8);
        Map<String, Double> out = new HashMap<>();
        Matcher m = Pattern.compile("\"(\\w+)\": ([0-9.]+)").matcher(text);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        if (!out.keySet().containsAll(List.of("cold_unseal_gbps", "warm_up_ms", "file_warm_unseal_gbps"))) {
            throw new IOException("cold child JVM printed no result: " + text.strip());
        }
        return new Figures(engine, out.get("cold_unseal_gbps"), out.get("warm_up_ms"), out.get("file_warm_unseal_gbps"));
    }
}
