package dev.tensorseal.cli;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.ReadAhead;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The remote figures: a model of {@code size} bytes in 64 MiB tensors, sealed and served by a loopback HTTP server
 * ({@link LocalRangeServer}); {@code remote_load_gbps} opens it by URI and reads every tensor with {@link ReadAhead}
 * (range requests in flight across tensors, authentication, decryption), {@code remote_plain_gbps} downloads the
 * same bytes with plain range requests of the same size and concurrency from the same server, with the process's CPU seconds for each (the server's included); the
 * same load without read-ahead ({@code remote_load_no_readahead_gbps}); and the time to the first 4 KiB of
 * plaintext, remote and local.
 */
final class RemoteBench {
    static final int CONCURRENCY = 8;
    private static final int WARM_ROUNDS = 2;
    private static final long TENSOR_BYTES = 64L << 20;
    private static final long REQUEST_BYTES = RemoteOptions.defaults().requestBytes();

    private RemoteBench() {}

    /** Loading all tensors remotely against a plain ranged download, and the first tensor's latency, remote and local. */
    record Figures(double loadGbps, double plainGbps, double noReadAheadGbps, double loadCpuSeconds,
                   double plainCpuSeconds, double noReadAheadCpuSeconds, int concurrency, double remoteFirstTensorMillis,
                   double localFirstTensorMillis) {
        double ratio() {
            return loadGbps / plainGbps;
        }
    }

    static Figures run(KeySource key, long size, int threads, Path dir, PrintStream log) throws Exception {
        Path file = dir.resolve("remote.tseal");
        try {
            seal(key, size, file);
            try (LocalRangeServer server = new LocalRangeServer(file)) {
                TsealHeader h = TsealReader.readUnverified(file);
                long first = h.tensors().get(0).dataOffsetBytes();
                long last = h.tensors().get(h.tensors().size() - 1).endBytes();
                TensorStore.Builder settings = TensorStore.builder().keySource(key).parallelism(threads);
                RemoteOptions options = RemoteOptions.builder().concurrency(CONCURRENCY).build();
                double load = 0;
                double plain = 0;
                double serial = 0;
                double loadCpu = 0;
                double plainCpu = 0;
                double serialCpu = 0;
                // Two rounds warm every path: after one, the JIT was still compiling the later paths' code, so the first
                // measured path (the read-ahead load) ran less warm than the ones after it (~0.3 CPU s/GiB more).
                for (int round = 0; round < WARM_ROUNDS + 1; round++) {
                    long c0 = cpuNanos();
                    double l = gbps(size, loadAll(server.uri(), settings, options, true));
                    long c1 = cpuNanos();
                    double p = gbps(last - first, plainDownload(server.uri(), first, last));
                    long c2 = cpuNanos();
                    double s = gbps(size, loadAll(server.uri(), settings, options, false));
                    long c3 = cpuNanos();
                    if (round == WARM_ROUNDS) {
                        load = l;
                        plain = p;
                        serial = s;
                        loadCpu = (c1 - c0) / 1e9;
                        plainCpu = (c2 - c1) / 1e9;
                        serialCpu = (c3 - c2) / 1e9;
                    }
                }
                double remoteFirst = firstTensorNanos(() -> SealedFile.open(server.uri(), settings, options)) / 1e6;
                double localFirst = firstTensorNanos(() -> SealedFile.open(file, settings)) / 1e6;
                log.println("bench: remote load " + String.format(java.util.Locale.ROOT, "%.2f", load) + " GB/s, plain ranged download "
                        + String.format(java.util.Locale.ROOT, "%.2f", plain) + " GB/s (" + CONCURRENCY + " in flight, loopback)");
                return new Figures(load, plain, serial, loadCpu, plainCpu, serialCpu, CONCURRENCY, remoteFirst, localFirst);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void seal(KeySource key, long size, Path file) throws Exception {
        try (TensorStore store = TensorStore.builder().keySource(key).plaintextBudgetBytes(Math.max(size, 1L << 30)).build();
                Arena arena = Arena.ofShared()) { // shared: the store seals chunks in parallel
            MemorySegment data = arena.allocate(Math.min(size, TENSOR_BYTES), 64);
            for (long at = 0, i = 0; at < size; at += TENSOR_BYTES, i++) {
                long n = Math.min(TENSOR_BYTES, size - at);
                data.asSlice(0, n).fill((byte) i);
                store.put("t" + i, DType.U8, new long[] {n}, data.asSlice(0, n));
            }
            SealedFile.save(store, key, file);
        }
    }

    /** Reads every tensor of {@code order} whole, as a model load reads them. */
    private static void readWhole(TensorStore store, List<String> order) {
        for (String name : order) {
            long bytes = store.info(name).orElseThrow().byteSize();
            try (TensorView v = store.read(name)) {
                if (v.byteSize() != bytes) {
                    throw new IllegalStateException("a view of " + v.byteSize() + " bytes for " + bytes);
                }
            }
        }
    }

    /** Open, then every tensor whole in file order, with or without {@link ReadAhead}; the nanoseconds it took. */
    private static long loadAll(URI uri, TensorStore.Builder settings, RemoteOptions options, boolean readAhead) {
        long t0 = System.nanoTime();
        try (TensorStore store = SealedFile.open(uri, settings, options)) {
            if (readAhead) {
                try (ReadAhead ahead = ReadAhead.all(store)) {
                    readWhole(store, ahead.order());
                }
            } else {
                List<String> order;
                try (ReadAhead ahead = ReadAhead.all(store)) { // only for the file order; stopped before any read
                    order = ahead.order();
                }
                readWhole(store, order);
            }
        }
        return System.nanoTime() - t0;
    }

    /** CPU time of this process (the server's threads included), or 0 where the JVM cannot tell. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Bytes {@code from..to} in requests of the same size, the same number in flight, into off-heap buffers. */
    private static long plainDownload(URI uri, long from, long to) throws Exception {
        List<long[]> ranges = new ArrayList<>();
        for (long at = from; at < to; at += REQUEST_BYTES) {
            ranges.add(new long[] {at, Math.min(to, at + REQUEST_BYTES)});
        }
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < CONCURRENCY; w++) {
                workers.add(pool.submit(() -> {
                    MemorySegment buffer = Arena.ofAuto().allocate(REQUEST_BYTES, 64);
                    for (int i = next.getAndIncrement(); i < ranges.size(); i = next.getAndIncrement()) {
                        long[] g = ranges.get(i);
                        HttpRequest req = HttpRequest.newBuilder(uri).header("Range", "bytes=" + g[0] + "-" + (g[1] - 1)).build();
                        HttpResponse<Void> resp = client.send(req, info -> HttpResponse.BodySubscribers.fromSubscriber(new Into(buffer)));
                        if (resp.statusCode() != 206) {
                            throw new IllegalStateException("HTTP " + resp.statusCode());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        return System.nanoTime() - t0;
    }

    /** A body copied into {@code target} (off-heap), as the store's reads copy theirs. */
    private static final class Into implements Flow.Subscriber<List<ByteBuffer>> {
        private final MemorySegment target;
        private long at;

        Into(MemorySegment target) {
            this.target = target;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = b.remaining();
                MemorySegment.copy(MemorySegment.ofBuffer(b), 0, target, at, n);
                at += n;
            }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
    }

    private interface Opener {
        TensorStore open() throws Exception;
    }

    /** Open, then the first 4 KiB of the first tensor (the header fetch and one chunk); the best of three. */
    private static long firstTensorNanos(Opener opener) throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (TensorStore store = opener.open(); TensorView v = store.read("t0", 0, 4096)) {
                long nanos = System.nanoTime() - t0;
                if (v.byteSize() != 4096) {
                    throw new IllegalStateException("a 4 KiB read returned " + v.byteSize() + " bytes");
                }
                best = Math.min(best, nanos);
            }
        }
        return best;
    }

    private static double gbps(long bytes, long nanos) {
        return bytes / (double) Math.max(nanos, 1);
    }
}
