package dev.tensorseal.cli;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.InsecureNonceAesGcm;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code tensorseal bench}: in one run, the raw JDK AES-256-GCM baseline, Bouncy Castle, store seal
 * and unseal, slice reads, .tseal verify, all cores, and the cold figure in a fresh child JVM. The
 * data is zeros (AES-GCM's speed does not depend on it) under a random throwaway key.
 */
final class BenchCommand implements Command {
    static final int CHUNK_BYTES = 64 << 10;
    private static final int ROUNDS = 3;
    private static final long BC_MAX_BYTES = 32L << 20;
    private static final int SLICE_BYTES = 4096;
    private static final int SLICE_READS = 5000;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure seal/unseal throughput against the raw JDK AES-GCM baseline";
    }

    @Override
    public String usage() {
        return """
                usage: tensorseal bench [--size BYTES] [--threads N] [--json] [--plot FILE.png] [--remote-only]
                  --size     tensor size, e.g. 1GiB, 256MiB, 8MiB or plain bytes (default 1GiB)
                  --threads  threads for the all-core figures (default: available processors)
                  --json     print one JSON object instead of a table
                  --plot     also write a PNG of throughput against chunk size and thread count
                  --remote-only  only the remote figures: a model of --size bytes from a loopback HTTP server""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        long size = 1L << 30;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean json = false;
        Path plot = null;
        boolean remoteOnly = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--size" -> size = parseSize(value(args, ++i, a));
                case "--threads" -> threads = parseThreads(value(args, ++i, a));
                case "--json" -> json = true;
                case "--remote-only" -> remoteOnly = true;
                case "--quiet", "-q" -> { } // accepted on every command; bench draws no progress bar
                case "--plot" -> plot = Path.of(value(args, ++i, a));
                default -> throw new UsageException("unknown argument '" + a + "'");
            }
        }
        if (plot != null && !plot.getFileName().toString().endsWith(".png")) {
            throw new UsageException("--plot needs a .png file name, got " + plot);
        }
        if (plot != null) {
            Paths.output(plot.toString(), true); // before the benchmark: a bad folder fails in a second, not after minutes
        }
        Map<String, Object> r = new BenchRun(size, threads, plot, remoteOnly, json ? err : out).run();
        if (json) {
            out.println(toJson(r));
        } else {
            r.forEach((k, v) -> out.println(String.format(Locale.ROOT, "%-24s %s", k, format(v))));
        }
        return 0;
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(i);
    }

    static long parseSize(String s) {
        String t = s.trim();
        long unit = 1;
        for (String[] u : new String[][] {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}, {"G", "1073741824"},
                {"M", "1048576"}, {"K", "1024"}}) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        long v;
        try {
            v = Math.multiplyExact(Long.parseLong(t.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--size must be a number of bytes with an optional KiB/MiB/GiB suffix, got '" + s + "'");
        }
        if (v < CHUNK_BYTES || v % CHUNK_BYTES != 0) {
            throw new UsageException("--size must be a positive multiple of 64 KiB (the chunk size), got " + v + " bytes");
        }
        if (v > (64L << 30)) {
            throw new UsageException("--size is at most 64GiB, got " + v + " bytes");
        }
        return v;
    }

    private static int parseThreads(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException("--threads must be a whole number from 1 to 1024, got '" + s + "'");
    }

    static String toJson(Map<String, Object> r) {
        StringBuilder b = new StringBuilder("{");
        r.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append('"').append(k).append("\": ");
            if (v instanceof String s) {
                b.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                b.append(format(v));
            }
        });
        return b.append('}').toString();
    }

    private static String format(Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(v);
    }

    /** One benchmark run; progress lines go to {@code log}. */
    static final class BenchRun {
        private final long size;
        private final int threads;
        private final Path plot;
        private final boolean remoteOnly;
        private final PrintStream log;
        private final Map<String, Object> r = new LinkedHashMap<>();

        BenchRun(long size, int threads, Path plot, boolean remoteOnly, PrintStream log) {
            this.remoteOnly = remoteOnly;
            this.size = size;
            this.threads = threads;
            this.plot = plot;
            this.log = log;
        }

        Map<String, Object> run() throws Exception {
            Path dir = Files.createTempDirectory("tensorseal-bench");
            Path keyFile = dir.resolve("bench.key");
            Path sealed = dir.resolve("bench.tseal");
            try {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(keyFile, key);
                java.util.Arrays.fill(key, (byte) 0);
                KeySource ks = KeySource.file(keyFile);
                r.put("size_bytes", size);
                r.put("chunk_bytes", CHUNK_BYTES);
                r.put("threads", threads);
                r.put("cpus", Runtime.getRuntime().availableProcessors());
                r.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
                r.put("warm_up_ms", GcmEngine.named("jce").warmUp() / 1e6);
                if (remoteOnly) {
                    RemoteBench.run(ks, size, threads, dir, r, log);
                    return r;
                }
                raw();
                System.gc(); // the baseline's heap arrays go before the store allocates
                bc();
                engines();
                storeFigures(ks, sealed);
                RemoteBench.run(ks, size, threads, dir, r, log);
                coldChild(keyFile, sealed);
                ratios();
                if (plot != null) {
                    BenchPlot.write(plot, sweepChunks(ks), sweepThreads(ks), size);
                    r.put("plot", plot.toString());
                }
                return r;
            } finally {
                Files.deleteIfExists(sealed);
                Files.deleteIfExists(keyFile);
                Files.deleteIfExists(dir);
            }
        }

        /** The JDK heap-to-heap, once per 64 KiB chunk over a working set as large as the tensor, warm. */
        private void raw() throws GeneralSecurityException {
            int n = Math.toIntExact(size / CHUNK_BYTES);
            byte[][] pt = new byte[n][CHUNK_BYTES];
            byte[][] ct = new byte[n][CHUNK_BYTES + 16];
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            SecretKeySpec spec = new SecretKeySpec(k, "AES");
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] aad = new byte[64];
            long nonce = 0;
            double bestSeal = 0;
            double bestOpen = 0;
            for (int round = 0; round <= ROUNDS; round++) { // round 0 only warms
                long t0 = System.nanoTime();
                long first = nonce;
                for (int i = 0; i < n; i++) {
                    c.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, iv(nonce++)));
                    c.updateAAD(aad);
                    c.doFinal(pt[i], 0, CHUNK_BYTES, ct[i], 0);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    c.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(128, iv(first + i)));
                    c.updateAAD(aad);
                    c.doFinal(ct[i], 0, CHUNK_BYTES + 16, pt[i], 0);
                }
                long t2 = System.nanoTime();
                if (round > 0) {
                    bestSeal = Math.max(bestSeal, gbps(size, t1 - t0));
                    bestOpen = Math.max(bestOpen, gbps(size, t2 - t1));
                }
            }
            r.put("raw_jce_seal_gbps", bestSeal);
            r.put("raw_jce_open_gbps", bestOpen);
            r.put("raw_jce_gbps", Math.max(bestSeal, bestOpen));
            log.println("bench: raw JDK AES-256-GCM heap-to-heap " + fmt(bestSeal) + " / " + fmt(bestOpen) + " GB/s");
        }

        private void bc() {
            long bytes = Math.min(size, BC_MAX_BYTES);
            double best = 0;
            try (Arena arena = Arena.ofConfined(); SecretBytes key = SecretBytes.random(32, new SecureRandom());
                    InsecureNonceAesGcm g = GcmEngine.named("bc").newInstance(key, 16)) {
                MemorySegment pt = arena.allocate(bytes, 64);
                MemorySegment ct = arena.allocate(bytes / CHUNK_BYTES * (CHUNK_BYTES + 16), 64);
                long nonce = 0;
                for (int round = 0; round < 2; round++) {
                    long t0 = System.nanoTime();
                    for (long i = 0; i < bytes / CHUNK_BYTES; i++) {
                        g.seal(iv(nonce++), new byte[0], pt.asSlice(i * CHUNK_BYTES, CHUNK_BYTES),
                                ct.asSlice(i * (CHUNK_BYTES + 16), CHUNK_BYTES + 16));
                    }
                    best = Math.max(best, gbps(bytes, System.nanoTime() - t0));
                }
            }
            r.put("bc_gbps", best);
            log.println("bench: Bouncy Castle " + fmt(best) + " GB/s on " + (bytes >> 20) + " MiB");
        }

        /** The engines compared besides bc: jce always, ossl and vaes where they run. */
        private static List<String> fastEngines() {
            return GcmEngine.names().stream().filter(e -> !e.equals("bc")).toList();
        }

        /**
         * Each fast engine native to native, seal and open, on the same working set as {@link #bc()} (jce stages
         * each chunk through heap arrays; ossl and vaes work on the off-heap segments in place), and one
         * cache-resident chunk opened: the unit a slice read pays for ({@code chunk_open_us} on the store's engine).
         */
        private void engines() {
            r.put("engine", GcmEngine.defaultName());
            r.put("engine_implementation", GcmEngine.named(GcmEngine.defaultName()).implementation());
            if (!GcmEngine.names().contains("ossl")) {
                try {
                    GcmEngine.named("ossl");
                } catch (dev.tensorseal.UnsupportedParameterException e) {
                    r.put("ossl_engine", "unavailable: " + e.getMessage());
                    log.println("bench: " + e.getMessage());
                }
            } else {
                r.put("ossl_engine", GcmEngine.named("ossl").implementation());
            }
            long bytes = Math.min(size, BC_MAX_BYTES);
            long chunks = bytes / CHUNK_BYTES;
            try (Arena arena = Arena.ofConfined(); SecretBytes key = SecretBytes.random(32, new SecureRandom())) {
                MemorySegment pt = arena.allocate(bytes, 64);
                MemorySegment ct = arena.allocate(chunks * (CHUNK_BYTES + 16), 64);
                byte[] aad = new byte[64];
                long nonce = 1L << 44;
                for (String engine : fastEngines()) {
                    try (InsecureNonceAesGcm g = GcmEngine.named(engine).newInstance(key, 16)) {
                        double seal = 0;
                        double open = 0;
                        for (int round = 0; round <= ROUNDS; round++) { // round 0 only warms
                            long first = nonce;
                            long t0 = System.nanoTime();
                            for (long i = 0; i < chunks; i++) {
                                g.seal(iv(nonce++), aad, pt.asSlice(i * CHUNK_BYTES, CHUNK_BYTES),
                                        ct.asSlice(i * (CHUNK_BYTES + 16), CHUNK_BYTES + 16));
                            }
                            long t1 = System.nanoTime();
                            for (long i = 0; i < chunks; i++) {
                                g.open(iv(first + i), aad, ct.asSlice(i * (CHUNK_BYTES + 16), CHUNK_BYTES + 16),
                                        pt.asSlice(i * CHUNK_BYTES, CHUNK_BYTES));
                            }
                            long t2 = System.nanoTime();
                            if (round > 0) {
                                seal = Math.max(seal, gbps(bytes, t1 - t0));
                                open = Math.max(open, gbps(bytes, t2 - t1));
                            }
                        }
                        r.put(engine + "_engine_native_seal_gbps", seal);
                        r.put(engine + "_engine_native_open_gbps", open);
                        byte[] iv = iv(nonce++);
                        MemorySegment one = ct.asSlice(0, CHUNK_BYTES + 16);
                        g.seal(iv, aad, pt.asSlice(0, CHUNK_BYTES), one);
                        int reps = 2000;
                        for (int i = 0; i < reps; i++) { // warm: the callers of the cipher get compiled
                            g.open(iv, aad, one, pt.asSlice(0, CHUNK_BYTES));
                        }
                        long t0 = System.nanoTime();
                        for (int i = 0; i < reps; i++) {
                            g.open(iv, aad, one, pt.asSlice(0, CHUNK_BYTES));
                        }
                        double us = (System.nanoTime() - t0) / 1e3 / reps;
                        r.put(engine + "_chunk_open_us", us);
                        if (engine.equals(GcmEngine.defaultName())) {
                            r.put("chunk_open_us", us);
                        }
                        log.println("bench: " + engine + " engine native to native " + fmt(seal) + " / " + fmt(open)
                                + " GB/s, one cached chunk opened in " + fmt(us) + " us");
                    }
                }
            }
        }

        private void storeFigures(KeySource ks, Path sealed) throws Exception {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment data = arena.allocate(size, 64);
                long budget = Math.max(size, TensorStore.Builder.DEFAULT_PLAINTEXT_BUDGET_BYTES);
                try (TensorStore one = store(ks, 1, CHUNK_BYTES, budget)) {
                    double[] su = sealUnseal(one, data, ROUNDS);
                    r.put("seal_gbps", su[0]);
                    r.put("unseal_gbps", su[1]);
                    r.put("close_gbps", su[2]);
                    // The first seal and read of the run: fresh memory for the ciphertext and for the view (later rounds
                    // replace the tensor and reuse both, see SECURITY.md).
                    r.put("fresh_seal_gbps", su[4]);
                    r.put("fresh_unseal_gbps", su[3]);
                    sliceReads(one);
                    long t0 = System.nanoTime();
                    SealedFile.save(one, ks, sealed);
                    r.put("save_gbps", gbps(size, System.nanoTime() - t0));
                }
                try (TensorStore all = store(ks, threads, CHUNK_BYTES, budget)) {
                    double[] su = sealUnseal(all, data, ROUNDS);
                    r.put("parallel_seal_gbps", su[0]);
                    r.put("parallel_unseal_gbps", su[1]);
                }
                for (String engine : fastEngines()) { // the store on the other engines, one thread, as seal_gbps/unseal_gbps
                    if (engine.equals(GcmEngine.defaultName())) {
                        continue;
                    }
                    try (TensorStore o = TensorStore.builder().keySource(ks).engine(engine).parallelism(1).chunkSizeBytes(CHUNK_BYTES)
                            .plaintextBudgetBytes(budget).build()) {
                        double[] su = sealUnseal(o, data, ROUNDS);
                        r.put(engine + "_seal_gbps", su[0]);
                        r.put(engine + "_unseal_gbps", su[1]);
                        log.println("bench: store on " + engine + " seal " + fmt(su[0]) + ", unseal " + fmt(su[1]) + " GB/s");
                    }
                }
            }
            r.put("overhead_ratio", Files.size(sealed) / (double) size); // the .tseal file: tags, chunk table, header
            long chunks = size / CHUNK_BYTES;
            r.put("store_overhead_ratio", (size + chunks * 16.0) / size); // in memory: one 16-byte tag per chunk
            double best = 0;
            for (int i = 0; i < ROUNDS; i++) {
                long t0 = System.nanoTime();
                SealedFile.verify(sealed, ks);
                best = Math.max(best, gbps(size, System.nanoTime() - t0));
            }
            r.put("verify_gbps", best);
            fileUnseal(ks, sealed);
            // verify authenticates chunk-parallel on the file-open store's pool: every available processor.
            r.put("verify_threads", Runtime.getRuntime().availableProcessors());
            log.println("bench: store seal " + fmt((double) r.get("seal_gbps")) + ", unseal " + fmt((double) r.get("unseal_gbps"))
                    + ", all-core unseal " + fmt((double) r.get("parallel_unseal_gbps")) + ", verify " + fmt(best) + " GB/s");
        }

        static TensorStore store(KeySource ks, int threads, int chunkBytes, long budget) {
            return TensorStore.builder().keySource(ks).parallelism(threads).chunkSizeBytes(chunkBytes)
                    .plaintextBudgetBytes(budget).build();
        }

        /**
         * The same one-thread warm read as {@code unseal_gbps}, from the saved .tseal: each chunk read once from the file
         * ({@code pread}) into private memory before the engine sees it, so the ratio is what that protection costs.
         */
        private void fileUnseal(KeySource ks, Path sealed) throws Exception {
            try (TensorStore file = SealedFile.open(sealed, TensorStore.builder().keySource(ks).parallelism(1)
                    .plaintextBudgetBytes(Math.max(size, TensorStore.Builder.DEFAULT_PLAINTEXT_BUDGET_BYTES)))) {
                double best = 0;
                for (int round = 0; round <= ROUNDS; round++) {
                    long t0 = System.nanoTime();
                    TensorView v = file.read("t");
                    long t1 = System.nanoTime();
                    v.close();
                    if (round > 0) {
                        best = Math.max(best, gbps(size, t1 - t0));
                    }
                }
                r.put("file_unseal_gbps", best);
                r.put("file_unseal_ratio", best / (double) r.get("unseal_gbps"));
                log.println("bench: unseal from the .tseal file, 1 thread, " + fmt(best) + " GB/s ("
                        + fmt(best / (double) r.get("unseal_gbps")) + " of the store's)");
            }
        }

        /**
         * Best of {@code rounds} after one warm round: {seal, unseal (open to last byte), close, the warm round's
         * unseal, the warm round's seal} in GB/s. Each round removes the tensor and seals it again (the store reuses
         * the removed tensor's ciphertext memory); leaves the tensor "t" in the store.
         */
        static double[] sealUnseal(TensorStore s, MemorySegment data, int rounds) {
            long size = data.byteSize();
            double[] best = new double[5];
            for (int round = 0; round <= rounds; round++) {
                s.remove("t");
                System.gc();
                long t0 = System.nanoTime();
                s.put("t", DType.U8, new long[] {size}, data);
                long t1 = System.nanoTime();
                if (round > 0) {
                    best[0] = Math.max(best[0], gbps(size, t1 - t0));
                } else {
                    best[4] = gbps(size, t1 - t0);
                }
            }
            for (int round = 0; round <= rounds; round++) {
                long t1 = System.nanoTime();
                TensorView v = s.read("t");
                long t2 = System.nanoTime();
                if (v.byteSize() != size) {
                    throw new IllegalStateException("view has " + v.byteSize() + " bytes, expected " + size);
                }
                v.close();
                long t3 = System.nanoTime();
                if (round > 0) {
                    best[1] = Math.max(best[1], gbps(size, t2 - t1));
                    best[2] = Math.max(best[2], gbps(size, t3 - t2));
                } else {
                    best[3] = gbps(size, t2 - t1);
                }
            }
            return best;
        }

        /**
         * Random 4 KiB slice reads, and random whole-chunk reads through the same API (the opening of one chunk as a
         * user meets it: a chunk's view, cold in cache like the slice's chunk), each the mean of {@link #SLICE_READS}.
         */
        private void sliceReads(TensorStore s) {
            SplittableRandom rnd = new SplittableRandom(7);
            long slots = size / SLICE_BYTES;
            long chunks = size / CHUNK_BYTES;
            for (int i = 0; i < SLICE_READS; i++) { // warm: the read path is compiled by C2 after about a thousand reads
                try (TensorView v = s.read("t", rnd.nextLong(slots) * SLICE_BYTES, SLICE_BYTES)) {
                    v.getByte(0);
                }
                try (TensorView v = s.read("t", rnd.nextLong(chunks) * CHUNK_BYTES, CHUNK_BYTES)) {
                    v.getByte(0);
                }
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < SLICE_READS; i++) {
                try (TensorView v = s.read("t", rnd.nextLong(slots) * SLICE_BYTES, SLICE_BYTES)) {
                    v.getByte(SLICE_BYTES - 1);
                }
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < SLICE_READS; i++) {
                try (TensorView v = s.read("t", rnd.nextLong(chunks) * CHUNK_BYTES, CHUNK_BYTES)) {
                    v.getByte(CHUNK_BYTES - 1);
                }
            }
            long t2 = System.nanoTime();
            r.put("slice_read_us", (t1 - t0) / 1e3 / SLICE_READS);
            r.put("chunk_read_us", (t2 - t1) / 1e3 / SLICE_READS);
        }

        /** The first GiB (at most) of the .tseal file unsealed in a fresh JVM, warm-up included. */
        private void coldChild(Path keyFile, Path sealed) throws Exception {
            long bytes = Math.min(size, 1L << 30);
            System.gc(); // untimed: the stores above are closed; their ciphertext is unmapped before the children start
            String engine = GcmEngine.defaultName();
            Map<String, Double> child = BenchColdChild.spawn(keyFile, sealed, bytes, threads, engine);
            r.put("cold_unseal_gbps", child.get("cold_unseal_gbps"));
            r.put("cold_warm_up_ms", child.get("warm_up_ms"));
            r.put("cold_file_warm_unseal_gbps", child.get("file_warm_unseal_gbps"));
            r.put("cold_bytes", bytes);
            log.println("bench: cold child JVM on " + engine + " " + fmt(child.get("cold_unseal_gbps")) + " GB/s over "
                    + (bytes >> 20) + " MiB");
            for (String other : fastEngines()) { // each other engine in its own fresh JVM
                if (!other.equals(engine)) {
                    Map<String, Double> o = BenchColdChild.spawn(keyFile, sealed, bytes, threads, other);
                    r.put(other + "_cold_unseal_gbps", o.get("cold_unseal_gbps"));
                    log.println("bench: cold child JVM on " + other + " " + fmt(o.get("cold_unseal_gbps")) + " GB/s");
                }
            }
        }

        private void ratios() {
            double raw = (double) r.get("raw_jce_gbps");
            r.put("unseal_ratio", (double) r.get("unseal_gbps") / raw);
            r.put("seal_ratio", (double) r.get("seal_gbps") / raw);
            r.put("parallel_speedup", (double) r.get("parallel_unseal_gbps") / (double) r.get("unseal_gbps"));
            r.put("cold_ratio", (double) r.get("cold_unseal_gbps") / (double) r.get("parallel_unseal_gbps"));
            for (String engine : fastEngines()) {
                if (r.containsKey(engine + "_cold_unseal_gbps")) {
                    r.put(engine + "_cold_ratio", (double) r.get(engine + "_cold_unseal_gbps") / (double) r.get("parallel_unseal_gbps"));
                }
            }
            // Against one chunk opened through the engine alone, in cache (the strict reading), and against one random
            // chunk read through the store, as the slice is (the like-for-like reading); BENCHMARKS.md gives both.
            r.put("slice_to_chunk_ratio", (double) r.get("slice_read_us") / (double) r.get("chunk_open_us"));
            r.put("slice_to_chunk_read_ratio", (double) r.get("slice_read_us") / (double) r.get("chunk_read_us"));
            r.put("verify_ratio", (double) r.get("verify_gbps") / raw);
        }

        private List<double[]> sweepChunks(KeySource ks) {
            long bytes = Math.min(size, 256L << 20);
            List<double[]> points = new ArrayList<>();
            try (Arena arena = Arena.ofShared()) {
                MemorySegment data = arena.allocate(bytes, 64);
                for (int chunk = 16 << 10; chunk <= 4 << 20 && chunk <= bytes; chunk <<= 2) {
                    try (TensorStore s = store(ks, 1, chunk, Math.max(bytes, 1L << 30))) {
                        double[] su = sealUnseal(s, data, ROUNDS);
                        points.add(new double[] {chunk, su[0], su[1]});
                    }
                }
            }
            return points;
        }

        private List<double[]> sweepThreads(KeySource ks) {
            long bytes = Math.min(size, 256L << 20);
            List<double[]> points = new ArrayList<>();
            try (Arena arena = Arena.ofShared()) {
                MemorySegment data = arena.allocate(bytes, 64);
                for (int t = 1; t <= threads; t = t < threads && t * 2 > threads ? threads : t * 2) {
                    try (TensorStore s = store(ks, t, CHUNK_BYTES, Math.max(bytes, 1L << 30))) {
                        double[] su = sealUnseal(s, data, ROUNDS);
                        points.add(new double[] {t, su[0], su[1]});
                    }
                    if (t == threads) {
                        break;
                    }
                }
            }
            return points;
        }
    }

    static byte[] iv(long nonce) {
        byte[] iv = new byte[12];
        for (int k = 0; k < 8; k++) {
            iv[4 + k] = (byte) (nonce >>> (8 * k));
        }
        return iv;
    }

    static double gbps(long bytes, long nanos) {
        return bytes / (double) Math.max(nanos, 1);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
