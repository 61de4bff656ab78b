package dev.tensorseal.cli;

import dev.tensorseal.devtools.bench.EngineLoops;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything one {@code tensorseal bench} run measured. {@code local} is empty for {@code --remote-only}; the ratios
 * are derived here, from the figures, never stored beside them.
 */
record BenchReport(Setup setup, Optional<Local> local, RemoteBench.Figures remote, Optional<Path> plot) {

    /** What the run was: tensor and chunk size, threads, this machine's processors and JDK, the jce warm-up. */
    record Setup(long sizeBytes, int chunkBytes, int threads, int cpus, String jdk, double warmUpMillis) {}

    /** The engines themselves: the store's default engine, what it and ossl run on, and each fast engine's loop. */
    record Engines(String defaultEngine, String defaultImplementation, Optional<String> ossl,
                   List<EngineLoops.EngineFigures> loops) {
        /** The default engine's one cached chunk opened, in microseconds. */
        double defaultChunkOpenMicros() {
            return loops.stream().filter(l -> l.engine().equals(defaultEngine)).findFirst().orElseThrow().chunkOpenMicros();
        }
    }

    /** The cold figures: {@code bytes} unsealed in a fresh JVM, on the default engine and on each other one. */
    record Cold(long bytes, BenchColdChild.Figures defaultEngine, List<BenchColdChild.Figures> others) {}

    /** The figures of a full (not remote-only) run. */
    record Local(EngineLoops.RawJce raw, double bcGbps, Engines engines, StoreBench.Figures store, Cold cold) {
        double unsealRatio() {
            return store.one().unsealGbps() / raw.bestGbps();
        }

        double sealRatio() {
            return store.one().sealGbps() / raw.bestGbps();
        }

        double parallelSpeedup() {
            return store.all().unsealGbps() / store.one().unsealGbps();
        }

        /** A cold child's unseal against the warm all-core unseal. */
        double coldRatio(BenchColdChild.Figures child) {
            return child.coldUnsealGbps() / store.all().unsealGbps();
        }

        /** Against one chunk opened through the engine alone, in cache (the strict reading; BENCHMARKS.md has both). */
        double sliceToChunkRatio() {
            return store.sliceReadMicros() / engines.defaultChunkOpenMicros();
        }

        /** Against one random chunk read through the store, as the slice is (the like-for-like reading). */
        double sliceToChunkReadRatio() {
            return store.sliceReadMicros() / store.chunkReadMicros();
        }

        double verifyRatio() {
            return store.verifyGbps() / raw.bestGbps();
        }
    }
}
