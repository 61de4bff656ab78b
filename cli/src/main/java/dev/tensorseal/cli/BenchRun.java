package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.devtools.bench.EngineLoops;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One {@code tensorseal bench} run, in order: the raw JDK baseline, Bouncy Castle and the fast engines alone (the
 * loops in dev-tools' {@link EngineLoops}), the store, the remote figures, the cold figure in fresh child JVMs, and
 * the sweeps for {@code --plot}. Progress lines go to {@code log}; the key is a random throwaway in a temp folder.
 */
final class BenchRun {
    private static final int ROUNDS = 3;
    private static final long BC_MAX_BYTES = 32L << 20;

    private final BenchOptions options;
    private final PrintStream log;

    BenchRun(BenchOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    BenchReport run() throws Exception {
        long size = options.sizeBytes();
        int threads = options.threads();
        Path dir = Files.createTempDirectory("tensorseal-bench");
        Path keyFile = dir.resolve("bench.key");
        Path sealed = dir.resolve("bench.tseal");
        try {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(keyFile, key);
            Arrays.fill(key, (byte) 0);
            KeySource ks = KeySource.file(keyFile);
            BenchReport.Setup setup = new BenchReport.Setup(size, BenchOptions.CHUNK_BYTES, threads,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version(),
                    EngineLoops.jceWarmUpMillis());
            if (options.remoteOnly()) {
                return new BenchReport(setup, Optional.empty(), RemoteBench.run(ks, size, threads, dir, log), Optional.empty());
            }
            EngineLoops loops = new EngineLoops(BenchOptions.CHUNK_BYTES, ROUNDS);
            EngineLoops.RawJce raw = loops.rawJce(size);
            log.println("bench: raw JDK AES-256-GCM heap-to-heap " + StoreBench.fmt(raw.sealGbps()) + " / "
                    + StoreBench.fmt(raw.openGbps()) + " GB/s");
            System.gc(); // the baseline's heap arrays go before the store allocates
            long bcBytes = Math.min(size, BC_MAX_BYTES);
            double bc = loops.bouncyCastle(bcBytes);
            log.println("bench: Bouncy Castle " + StoreBench.fmt(bc) + " GB/s on " + (bcBytes >> 20) + " MiB");
            BenchReport.Engines engines = engines(loops, bcBytes);
            StoreBench.Figures store = new StoreBench(size, threads, ROUNDS, log).run(ks, sealed, engines.defaultEngine(),
                    EngineLoops.fastEngines());
            RemoteBench.Figures remote = RemoteBench.run(ks, size, threads, dir, log);
            BenchReport.Cold cold = cold(keyFile, sealed);
            Optional<Path> plot = options.plot();
            if (plot.isPresent()) {
                BenchSweeps sweeps = new BenchSweeps(size, ROUNDS);
                BenchPlot.write(plot.get(), sweeps.chunkSizes(ks), sweeps.threadCounts(ks, threads), size);
            }
            return new BenchReport(setup, Optional.of(new BenchReport.Local(raw, bc, engines, store, cold)), remote, plot);
        } finally {
            Files.deleteIfExists(sealed);
            Files.deleteIfExists(keyFile);
            Files.deleteIfExists(dir);
        }
    }

    /** Each fast engine native to native on the same working set as Bouncy Castle's. */
    private BenchReport.Engines engines(EngineLoops loops, long bytes) {
        String engine = EngineLoops.defaultEngine();
        Optional<String> ossl = EngineLoops.osslStatus();
        ossl.filter(o -> o.startsWith("unavailable: ")).ifPresent(o -> log.println("bench: " + o.substring(13)));
        List<EngineLoops.EngineFigures> figures = loops.engines(EngineLoops.fastEngines(), bytes);
        for (EngineLoops.EngineFigures f : figures) {
            log.println("bench: " + f.engine() + " engine native to native " + StoreBench.fmt(f.sealGbps()) + " / "
                    + StoreBench.fmt(f.openGbps()) + " GB/s, one cached chunk opened in " + StoreBench.fmt(f.chunkOpenMicros())
                    + " us");
        }
        return new BenchReport.Engines(engine, EngineLoops.implementation(engine), ossl, figures);
    }

    /** The first GiB (at most) of the .tseal file unsealed in a fresh JVM, warm-up included; each engine in its own. */
    private BenchReport.Cold cold(Path keyFile, Path sealed) throws Exception {
        long bytes = Math.min(options.sizeBytes(), 1L << 30);
        System.gc(); // untimed: the stores above are closed; their ciphertext is unmapped before the children start
        String engine = EngineLoops.defaultEngine();
        BenchColdChild.Figures first = BenchColdChild.spawn(keyFile, sealed, bytes, options.threads(), engine);
        log.println("bench: cold child JVM on " + engine + " " + StoreBench.fmt(first.coldUnsealGbps()) + " GB/s over "
                + (bytes >> 20) + " MiB");
        List<BenchColdChild.Figures> others = new ArrayList<>();
        for (String other : EngineLoops.fastEngines()) {
            if (!other.equals(engine)) {
                BenchColdChild.Figures o = BenchColdChild.spawn(keyFile, sealed, bytes, options.threads(), other);
                others.add(o);
                log.println("bench: cold child JVM on " + other + " " + StoreBench.fmt(o.coldUnsealGbps()) + " GB/s");
            }
        }
        return new BenchReport.Cold(bytes, first, List.copyOf(others));
    }
}
