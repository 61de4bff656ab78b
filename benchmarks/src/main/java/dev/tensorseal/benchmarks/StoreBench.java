package dev.tensorseal.benchmarks;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store's hot paths: sealing a whole tensor, unsealing it into a view (open to last byte, then
 * close), and a random 4 KiB slice read. {@code threads} is the store's parallelism.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class StoreBench {
    @Param({"67108864"})
    public long tensorBytes;

    @Param({"1", "2"})
    public int threads;

    private Path keyFile;
    private Arena arena;
    private MemorySegment data;
    private TensorStore store;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        keyFile = Files.createTempFile("tensorseal-jmh", ".key");
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Files.write(keyFile, k);
        arena = Arena.ofShared();
        data = arena.allocate(tensorBytes, 64);
        store = TensorStore.builder().keySource(KeySource.file(keyFile)).parallelism(threads)
                .plaintextBudgetBytes(Math.max(tensorBytes * 2, 1L << 30)).build();
        store.put("t", DType.U8, new long[] {tensorBytes}, data);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        arena.close();
        Files.deleteIfExists(keyFile);
    }

    @Benchmark
    public TensorInfo seal() {
        store.remove("s");
        return store.put("s", DType.U8, new long[] {tensorBytes}, data);
    }

    @Benchmark
    public byte unsealAndClose() {
        try (TensorView v = store.read("t")) {
            return v.getByte(tensorBytes - 1);
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte sliceRead4KiB() {
        long at = random.nextLong(tensorBytes / 4096) * 4096;
        try (TensorView v = store.read("t", at, 4096)) {
            return v.getByte(4095);
        }
    }
}
