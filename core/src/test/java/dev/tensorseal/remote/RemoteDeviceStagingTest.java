package dev.tensorseal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.TensorStore;
import dev.tensorseal.internal.gpu.DeviceBatches;
import dev.tensorseal.internal.store.SealedStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging a remote tensor's sealed chunks for the device: the file's exact bytes, adjacent chunks in one request. */
class RemoteDeviceStagingTest {
    private static final long REQUEST_BYTES = 256 << 10;

    @TempDir
    Path dir;

    private ServedModel served;

    @BeforeEach
    void serve() throws Exception {
        served = ServedModel.http(95, 11, dir);
    }

    @AfterEach
    void stop() throws Exception {
        served.close();
    }

    /** The store behind the facade (a test-only look inside: this test drives the internal staging path). */
    private static SealedStore sealed(TensorStore store) {
        try {
            Field f = TensorStore.class.getDeclaredField("store");
            f.setAccessible(true);
            return (SealedStore) f.get(store);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] stage(TensorStore store, String tensor, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes);
            sealed(store).withChunkPlan(tensor, plan -> {
                DeviceBatches.copySealed(plan, staging);
                return null;
            });
            return staging.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void stagingFetchesRunsOfChunksNotOneRequestPerChunk() {
        long[] big = served.model.extent("big"); // 24 chunks of 64 KiB and their tags
        try (TensorStore store = served.open(served.uri(), RemoteOptions.builder().requestBytes(REQUEST_BYTES).build())) {
            served.server.clearServed();
            byte[] staged = stage(store, "big", big[1] - big[0]);
            assertArrayEquals(Arrays.copyOfRange(served.model.file(), (int) big[0], (int) big[1]), staged,
                    "the staging holds the file's sealed chunks, in their layout");
            long requests = (big[1] - big[0] + REQUEST_BYTES - 1) / REQUEST_BYTES + 1; // a run stops at a whole chunk
            assertTrue(served.server.served().size() <= requests, served.server.served().size() + " requests for 24 chunks: "
                    + served.server.served());
            assertEquals(big[1] - big[0], served.server.served().stream().mapToLong(s -> s.to() - s.from()).sum(),
                    "each byte fetched once");
        }
    }

    @Test
    void aChangedObjectIsStillAnIntegrityFailureNamingTheTensor() throws Exception {
        long[] big = served.model.extent("big");
        try (TensorStore store = served.open(served.uri(), RemoteOptions.builder().requestBytes(REQUEST_BYTES).maxAttempts(1).build())) {
            served.server.put(ServedModel.PATH, SealedModel.make(served.key, 12, dir).file());
            IntegrityException e = assertThrows(IntegrityException.class, () -> stage(store, "big", big[1] - big[0]));
            assertEquals("big", e.tensor().orElseThrow());
        }
    }
}
