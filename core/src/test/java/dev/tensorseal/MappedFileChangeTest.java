package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.gpu.DeviceBatches;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory-mapped {@code .tseal} that another writer changes while it is open. Every engine must release only bytes
 * it authenticated (the original plaintext, or an {@link IntegrityException}), on every read path; and a file
 * truncated under the mapping must be an {@link IntegrityException} naming the file, never a crash of the JVM
 * (SIGBUS in native code) or an {@link InternalError}. The same holds for a mapped input being sealed, which is
 * also kept out of core dumps.
 */
@SuppressWarnings("restricted") // the test binds mprotect to make the mapping unreadable
class MappedFileChangeTest {
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 4;
    /**
     * Reads per engine and path. Before the fix ossl returned flipped plaintext in 2 of 6,000 whole reads here (how
     * often depends on how the writer and the reader share the cores); the engines that stage through private arrays
     * (jce, bc: not in place) get fewer reads (bc is slow).
     */
    private static int reads(String engine) {
        boolean staged = GcmEngine.registry().stream().anyMatch(s -> s.name().equals(engine) && !s.inPlace());
        return staged ? 1_500 : 6_000;
    }
    private static final long HANG_GUARD_SECONDS = 120;

    @TempDir Path dir;

    private static byte[] plaintext() {
        byte[] b = new byte[CHUNK * CHUNKS];
        new Random(5).nextBytes(b);
        return b;
    }

    private Path sealed(KeySource key) throws IOException {
        Path file = dir.resolve("m.tseal");
        try (TensorStore store = TensorStore.builder().keySource(key).chunkSizeBytes(CHUNK).build()) {
            store.put("w", DType.U8, new long[] {CHUNK * CHUNKS}, plaintext());
            SealedFile.save(store, key, file);
        }
        return file;
    }

    private static long[] chunkOffsets(Path file) throws IOException {
        TsealHeader.Entry e = TsealReader.readUnverified(file).tensors().getFirst();
        long[] at = new long[CHUNKS];
        for (int c = 0; c < CHUNKS; c++) {
            at[c] = e.chunkOffsetBytes(c);
        }
        return at;
    }

    /** Toggles one ciphertext bit near the start of every chunk, through the file (the page cache the mapping shows). */
    private static Thread flipper(Path file, long[] chunkAt, AtomicBoolean stop, AtomicLong flips) {
        Thread t = new Thread(() -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                while (!stop.get()) {
                    for (long at : chunkAt) {
                        for (int round = 0; round < 2; round++) { // flip, then flip back
                            one.clear();
                            ch.read(one, at + 100);
                            one.put(0, (byte) (one.get(0) ^ 0x04)).rewind();
                            ch.write(one, at + 100);
                        }
                    }
                    flips.incrementAndGet();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "flipper");
        t.setDaemon(true);
        return t;
    }

    @Test
    void aWriterFlippingMappedCiphertextNeverYieldsFlippedPlaintextOnAnyEngineOrReadPath() throws Exception {
        byte[] expected = plaintext();
        for (String engine : StoreFixtures.engines()) {
            try (KeySource key = StoreFixtures.key(31)) {
                Path file = sealed(key);
                long[] chunkAt = chunkOffsets(file);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong flips = new AtomicLong();
                Thread writer = flipper(file, chunkAt, stop, flips);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
                int wholeWrong = 0;
                int sliceWrong = 0;
                int rejected = 0;
                try (TensorStore store = SealedFile.open(file, TensorStore.builder().keySource(key).engine(engine).parallelism(1))) {
                    writer.start();
                    int reads = reads(engine);
                    for (int r = 0; r < reads; r++) {
                        if (System.nanoTime() > deadline) { // a hang guard only: every read is counted below
                            fail(engine + ": hang guard: " + r + " of " + reads + " reads after " + HANG_GUARD_SECONDS + " s");
                        }
                        try (TensorView v = store.read("w")) {
                            if (!Arrays.equals(expected, v.toByteArray())) {
                                wholeWrong++;
                            }
                        } catch (IntegrityException e) {
                            rejected++;
                        }
                        int c = r % CHUNKS;
                        long from = (long) c * CHUNK + 16;
                        try (TensorView v = store.read("w", from, 4096)) {
                            if (!Arrays.equals(expected, (int) from, (int) from + 4096, v.toByteArray(), 0, 4096)) {
                                sliceWrong++;
                            }
                        } catch (IntegrityException e) {
                            rejected++;
                        }
                    }
                    stop.set(true);
                    writer.join(TimeUnit.SECONDS.toMillis(HANG_GUARD_SECONDS));
                    assertTrue(flips.get() > 0, engine + ": the writer ran");
                    assertEquals(0, wholeWrong, engine + ": whole reads that returned plaintext differing from what was sealed"
                            + " (" + rejected + " reads rejected, " + flips.get() + " flip rounds)");
                    assertEquals(0, sliceWrong, engine + ": slice reads that returned plaintext differing from what was sealed");
                    try (TensorView v = store.read("w")) { // every bit flipped back: the file is whole again
                        assertArrayEquals(expected, v.toByteArray(), engine);
                    }
                    System.out.println("mapped-change: " + engine + ": " + (2 * reads) + " reads, " + rejected
                            + " rejected, 0 wrong, " + flips.get() + " flip rounds");
                } finally {
                    stop.set(true);
                }
            }
        }
    }

    // int mprotect(void *addr, size_t len, int prot);
    private static final java.lang.invoke.MethodHandle MPROTECT = java.lang.foreign.Linker.nativeLinker().downcallHandle(
            java.lang.foreign.Linker.nativeLinker().defaultLookup().find("mprotect").orElseThrow(),
            java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG,
                    java.lang.foreign.ValueLayout.JAVA_LONG, java.lang.foreign.ValueLayout.JAVA_INT));

    private static void mprotect(long address, long bytes, int prot) throws Throwable {
        assertEquals(0, (int) MPROTECT.invokeExact(address, bytes, prot), "mprotect");
    }

    /**
     * The deterministic form of the property the writer test samples: with the file's mapping made unreadable
     * (PROT_NONE), every read path still returns the right plaintext, so none of them reads the mapping (which
     * another process can change between two reads); each reads the file once instead. Before the fix this
     * crashed the JVM (SIGSEGV in vaes) or threw InternalError.
     */
    @Test
    void noReadPathTouchesTheMappingOfAnOpenFile() throws Throwable {
        byte[] expected = plaintext();
        for (String engine : StoreFixtures.engines()) {
            try (KeySource key = StoreFixtures.key(34)) {
                Path file = sealed(key);
                long[] chunkAt = chunkOffsets(file);
                try (TensorStore store = SealedFile.open(file, TensorStore.builder().keySource(key).engine(engine))) {
                    long chunk0 = store.sealed().withChunkPlan("w", plan -> plan.sealedChunk(0).address());
                    long base = chunk0 - chunkAt[0]; // the mapping starts at file offset 0, page-aligned
                    long bytes = (Files.size(file) + 4095) & -4096L;
                    mprotect(base, bytes, 0);
                    try {
                        try (TensorView v = store.read("w")) {
                            assertArrayEquals(expected, v.toByteArray(), engine + ": whole read");
                        }
                        try (TensorView v = store.read("w", CHUNK + 16L, 4096)) {
                            assertArrayEquals(Arrays.copyOfRange(expected, CHUNK + 16, CHUNK + 16 + 4096), v.toByteArray(),
                                    engine + ": slice read");
                        }
                        store.sealed().verify("w", b -> { });
                        try (Arena arena = Arena.ofConfined()) {
                            MemorySegment staging = arena.allocate(2L * CHUNK * CHUNKS);
                            store.sealed().withChunkPlan("w", plan -> {
                                DeviceBatches.copySealed(plan, staging);
                                return null;
                            });
                        }
                    } finally {
                        mprotect(base, bytes, 1); // PROT_READ again, for the unmap
                    }
                }
            }
        }
    }

    @Test
    void aFileTruncatedWhileOpenIsAnIntegrityErrorNamingItOnEveryEngineAndReadPath() throws Exception {
        for (String engine : StoreFixtures.engines()) {
            try (KeySource key = StoreFixtures.key(32)) {
                Path file = sealed(key);
                try (TensorStore store = SealedFile.open(file, TensorStore.builder().keySource(key).engine(engine))) {
                    long[] chunkAt = chunkOffsets(file);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(chunkAt[1]); // chunks 1.. now lie past the end of the file
                    }
                    IntegrityException whole = assertThrows(IntegrityException.class, () -> store.read("w").close(), engine);
                    assertTrue(whole.getMessage().contains("m.tseal") && whole.getMessage().contains("changed or shrank"),
                            engine + ": " + whole.getMessage());
                    assertThrows(IntegrityException.class, () -> store.read("w", 3L * CHUNK, 100).close(), engine + ": slice");
                    assertThrows(IntegrityException.class,
                            () -> store.sealed().verify("w", bytes -> { }), engine + ": verify");
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment staging = arena.allocate(2L * CHUNK * CHUNKS);
                        assertThrows(IntegrityException.class, () -> store.sealed()
                                .withChunkPlan("w", plan -> {
                                    DeviceBatches.copySealed(plan, staging);
                                    return null;
                                }), engine + ": device upload staging");
                    }
                    try (TensorView v = store.read("w", 0, 100)) { // chunk 0 is still there, and still right
                        assertArrayEquals(Arrays.copyOf(plaintext(), 100), v.toByteArray(), engine);
                    }
                }
            }
        }
    }

    @Test
    void aSafetensorsInputMappedForSealingIsLeftOutOfCoreDumps() throws Exception {
        Path input = dir.resolve("in.safetensors");
        Files.write(input, safetensors(plaintext()));
        try (var f = dev.tensorseal.internal.safetensors.SafetensorsFile.open(input); Arena arena = Arena.ofShared()) {
            MemorySegment m = f.map(f.header().tensors().getFirst(), arena);
            dev.tensorseal.nativebridge.Smaps.Mapping mapping = dev.tensorseal.nativebridge.Smaps.containing(m.address()).orElseThrow();
            assertTrue(mapping.vmFlags().contains("dd"), "the plaintext input mapping is MADV_DONTDUMP: " + mapping.describe());
        }
    }

    /** A one-tensor safetensors file holding {@code data} as U8. */
    private static byte[] safetensors(byte[] data) {
        byte[] header = ("{\"w\":{\"dtype\":\"U8\",\"shape\":[" + data.length + "],\"data_offsets\":[0," + data.length + "]}}")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        return b.array();
    }

    @Test
    void aMappedInputTruncatedWhileItIsSealedIsAnIntegrityErrorOnEveryEngine() throws Exception {
        Path input = dir.resolve("input.bin");
        for (String engine : StoreFixtures.engines()) {
            Files.write(input, plaintext());
            try (KeySource key = StoreFixtures.key(33);
                    TensorStore store = TensorStore.builder().keySource(key).engine(engine).chunkSizeBytes(CHUNK).build();
                    Arena arena = Arena.ofShared();
                    FileChannel ch = FileChannel.open(input, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                ch.truncate(CHUNK);
                IntegrityException e = assertThrows(IntegrityException.class,
                        () -> store.put("x", DType.U8, new long[] {mapped.byteSize()}, mapped), engine);
                assertTrue(e.getMessage().contains("changed or shrank"), engine + ": " + e.getMessage());
                assertTrue(store.info("x").isEmpty(), engine + ": nothing was stored");
            }
        }
    }
}
