package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.devtools.bench.Rates;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** The store's own figures: seal and unseal on one and on all threads, slice reads, save, verify and file reads. */
final class StoreBench {
    private static final int SLICE_BYTES = 4096;
    private static final int SLICE_READS = 5000;

    /** Mean microseconds of a random 4 KiB slice read and of a random whole-chunk read. */
    record Reads(double sliceMicros, double chunkMicros) {}

    /** The store on an engine other than the default, one thread. */
    record OtherEngine(String engine, double sealGbps, double unsealGbps) {}

    /**
     * What {@link #run} measured. Ratios against the raw baseline are {@link BenchReport}'s; {@code fileUnsealGbps} is
     * the one-thread warm read from the saved .tseal, {@code verifyThreads} the file-open store's pool size.
     */
    record Figures(SealUnseal one, double sliceReadMicros, double chunkReadMicros, double saveGbps, SealUnseal all,
                   List<OtherEngine> otherEngines, double fileOverheadRatio, double storeOverheadRatio, double verifyGbps,
                   double fileUnsealGbps, int verifyThreads) {
        double fileUnsealRatio() {
            return fileUnsealGbps / one.unsealGbps();
        }
    }

    private final long size;
    private final int threads;
    private final int rounds;
    private final PrintStream log;

    StoreBench(long size, int threads, int rounds, PrintStream log) {
        this.size = size;
        this.threads = threads;
        this.rounds = rounds;
        this.log = log;
    }

    static TensorStore store(KeySource ks, int threads, int chunkBytes, long budget) {
        return TensorStore.builder().keySource(ks).parallelism(threads).chunkSizeBytes(chunkBytes)
                .plaintextBudgetBytes(budget).build();
    }

    private long budget() {
        return Math.max(size, TensorStore.Builder.DEFAULT_PLAINTEXT_BUDGET_BYTES);
    }

    /** Measures everything on a {@code size}-byte tensor; saves it to {@code sealed} (kept for the cold children). */
    Figures run(KeySource ks, Path sealed, String defaultEngine, List<String> engines) throws IOException {
        SealUnseal one;
        SealUnseal all;
        Reads reads;
        double save;
        List<OtherEngine> others = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(size, 64);
            try (TensorStore s = store(ks, 1, BenchOptions.CHUNK_BYTES, budget())) {
                one = SealUnseal.measure(s, data, rounds);
                reads = sliceReads(s);
                long t0 = System.nanoTime();
                SealedFile.save(s, ks, sealed);
                save = Rates.gbps(size, System.nanoTime() - t0);
            }
            try (TensorStore s = store(ks, threads, BenchOptions.CHUNK_BYTES, budget())) {
                all = SealUnseal.measure(s, data, rounds);
            }
            for (String engine : engines) { // the store on the other engines, one thread, as seal_gbps/unseal_gbps
                if (engine.equals(defaultEngine)) {
                    continue;
                }
                try (TensorStore o = TensorStore.builder().keySource(ks).engine(engine).parallelism(1)
                        .chunkSizeBytes(BenchOptions.CHUNK_BYTES).plaintextBudgetBytes(budget()).build()) {
                    SealUnseal su = SealUnseal.measure(o, data, rounds);
                    others.add(new OtherEngine(engine, su.sealGbps(), su.unsealGbps()));
                    log.println("bench: store on " + engine + " seal " + fmt(su.sealGbps()) + ", unseal " + fmt(su.unsealGbps())
                            + " GB/s");
                }
            }
        }
        double fileOverhead = Files.size(sealed) / (double) size; // the .tseal file: tags, chunk table, header
        long chunks = size / BenchOptions.CHUNK_BYTES;
        double storeOverhead = (size + chunks * 16.0) / size; // in memory: one 16-byte tag per chunk
        double verify = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            SealedFile.verify(sealed, ks);
            verify = Math.max(verify, Rates.gbps(size, System.nanoTime() - t0));
        }
        double file = fileUnseal(ks, sealed);
        log.println("bench: unseal from the .tseal file, 1 thread, " + fmt(file) + " GB/s (" + fmt(file / one.unsealGbps())
                + " of the store's)");
        // verify authenticates chunk-parallel on the file-open store's pool: every available processor.
        Figures f = new Figures(one, reads.sliceMicros(), reads.chunkMicros(), save, all, List.copyOf(others), fileOverhead, storeOverhead, verify, file,
                Runtime.getRuntime().availableProcessors());
        log.println("bench: store seal " + fmt(one.sealGbps()) + ", unseal " + fmt(one.unsealGbps()) + ", all-core unseal "
                + fmt(all.unsealGbps()) + ", verify " + fmt(verify) + " GB/s");
        return f;
    }

    /**
     * The same one-thread warm read as {@code unseal_gbps}, from the saved .tseal: each chunk read once from the file
     * ({@code pread}) into private memory before the engine sees it, so the ratio is what that protection costs.
     */
    private double fileUnseal(KeySource ks, Path sealed) throws IOException {
        try (TensorStore file = SealedFile.open(sealed, TensorStore.builder().keySource(ks).parallelism(1)
                .plaintextBudgetBytes(budget()))) {
            double best = 0;
            for (int round = 0; round <= rounds; round++) {
                long t0 = System.nanoTime();
                TensorView v = file.read("t");
                long t1 = System.nanoTime();
                v.close();
                if (round > 0) {
                    best = Math.max(best, Rates.gbps(size, t1 - t0));
                }
            }
            return best;
        }
    }

    /**
     * Random 4 KiB slice reads, and random whole-chunk reads through the same API (the opening of one chunk as a
     * user meets it: a chunk's view, cold in cache like the slice's chunk), each the mean of {@link #SLICE_READS}, in
     * microseconds.
     */
    private Reads sliceReads(TensorStore s) {
        SplittableRandom rnd = new SplittableRandom(7);
        int chunk = BenchOptions.CHUNK_BYTES;
        long slots = size / SLICE_BYTES;
        long chunks = size / chunk;
        for (int i = 0; i < SLICE_READS; i++) { // warm: the read path is compiled by C2 after about a thousand reads
            try (TensorView v = s.read("t", rnd.nextLong(slots) * SLICE_BYTES, SLICE_BYTES)) {
                v.getByte(0);
            }
            try (TensorView v = s.read("t", rnd.nextLong(chunks) * chunk, chunk)) {
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
            try (TensorView v = s.read("t", rnd.nextLong(chunks) * chunk, chunk)) {
                v.getByte(chunk - 1);
            }
        }
        long t2 = System.nanoTime();
        return new Reads((t1 - t0) / 1e3 / SLICE_READS, (t2 - t1) / 1e3 / SLICE_READS);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
