package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.TensorStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** The sweeps behind {@code bench --plot}: store seal/unseal against chunk size (one thread) and thread count. */
final class BenchSweeps {
    private static final long MAX_BYTES = 256L << 20;

    /** One point: {@code x} (chunk bytes or threads) and the store's seal and unseal GB/s there. */
    record Point(double x, double sealGbps, double unsealGbps) {}

    private final long bytes;
    private final int rounds;

    BenchSweeps(long size, int rounds) {
        this.bytes = Math.min(size, MAX_BYTES);
        this.rounds = rounds;
    }

    /** The tensor size the sweeps use: the bench's, at most 256 MiB. */
    long bytes() {
        return bytes;
    }

    List<Point> chunkSizes(KeySource ks) {
        List<Point> points = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(bytes, 64);
            for (int chunk = 16 << 10; chunk <= 4 << 20 && chunk <= bytes; chunk <<= 2) {
                try (TensorStore s = StoreBench.store(ks, 1, chunk, Math.max(bytes, 1L << 30))) {
                    SealUnseal su = SealUnseal.measure(s, data, rounds);
                    points.add(new Point(chunk, su.sealGbps(), su.unsealGbps()));
                }
            }
        }
        return points;
    }

    List<Point> threadCounts(KeySource ks, int threads) {
        List<Point> points = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(bytes, 64);
            for (int t = 1; t <= threads; t = t < threads && t * 2 > threads ? threads : t * 2) {
                try (TensorStore s = StoreBench.store(ks, t, BenchOptions.CHUNK_BYTES, Math.max(bytes, 1L << 30))) {
                    SealUnseal su = SealUnseal.measure(s, data, rounds);
                    points.add(new Point(t, su.sealGbps(), su.unsealGbps()));
                }
                if (t == threads) {
                    break;
                }
            }
        }
        return points;
    }
}
