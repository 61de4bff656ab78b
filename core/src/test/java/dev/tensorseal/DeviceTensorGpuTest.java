package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorseal.internal.store.StoreSnapshot;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device path end to end, on a real GPU: upload equals the store's read, a tampered chunk is an
 * {@link IntegrityException} naming it, and a device seal commits what the store reads. Where no
 * GPU is usable it prints why and is skipped (CI has no GPU; the host half is
 * {@link DeviceTensorHostPathTest}). Plaintext is compared by sealing it back on the device and
 * reading it through the store, so the test itself never copies device plaintext to the host.
 */
class DeviceTensorGpuTest {
    private static final int CHUNK = 4096;

    @BeforeAll
    static void gpu() {
        var a = GpuSession.availability();
        if (!a.isAvailable()) {
            System.out.println("SKIPPED: DeviceTensorGpuTest needs a GPU: " + a);
            Assumptions.abort("GPU " + a);
        }
    }

    private static byte[] read(TensorStore store, String name) {
        try (TensorView v = store.read(name)) {
            return v.segment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void uploadThenSealBackRoundTripsThroughTheDevice() {
        Random rnd = new Random(1);
        byte[] data = StoreFixtures.randomBytes(rnd, 37 * CHUNK + 5);
        try (KeySource key = StoreFixtures.key(1);
             TensorStore store = StoreFixtures.builder("jce", key).build();
             GpuSession gpu = GpuSession.open(0)) {
            store.put("w", DType.U8, new long[] {data.length}, data);
            try (DeviceTensor t = gpu.upload(store, "w")) {
                assertEquals(data.length, t.byteSize());
                // Re-sealing the uploaded plaintext on the device as a new tensor, then reading it on the CPU.
                gpu.seal(t, store, "w2");
            }
            assertArrayEquals(data, read(store, "w2"));
            try (DeviceTensor zeros = gpu.allocate("z", DType.F32, 3, CHUNK)) {
                gpu.seal(zeros, store);
                gpu.seal(zeros, store); // a second state of the same tensor: fresh key, next generation
            }
            assertArrayEquals(new byte[3 * CHUNK * 4], read(store, "z"));
        }
    }

    @Test
    void aTamperedChunkFailsOnTheDeviceNamingIt() {
        Random rnd = new Random(2);
        try (KeySource key = StoreFixtures.key(2);
             TensorStore store = StoreFixtures.builder("jce", key).build()) {
            store.put("w", DType.U8, new long[] {8 * CHUNK}, StoreFixtures.randomBytes(rnd, 8 * CHUNK));
            StoreSnapshot s = StoreFixtures.snapshot(store);
            StoreSnapshot.Tensor t = s.tensors().get(0);
            MemorySegment[] chunks = t.chunks().clone();
            MemorySegment bad = Arena.ofAuto().allocate(chunks[5].byteSize());
            bad.copyFrom(chunks[5]);
            bad.set(ValueLayout.JAVA_BYTE, 100, (byte) (bad.get(ValueLayout.JAVA_BYTE, 100) ^ 4));
            chunks[5] = bad;
            List<StoreSnapshot.Tensor> ts = new ArrayList<>(List.of(new StoreSnapshot.Tensor(t.tensorId(), t.info(),
                    t.chunkSizeBytes(), t.keyIndex(), t.generations(), chunks)));
            StoreSnapshot tampered = new StoreSnapshot(s.storeId(), s.formatVersion(), s.keys(), ts);
            try (TensorStore evil = StoreFixtures.restore(StoreFixtures.builder("jce", key), tampered);
                 GpuSession gpu = GpuSession.open(0)) {
                var e = assertThrows(IntegrityException.class, () -> gpu.upload(evil, "w").close());
                assertEquals(5, e.chunk().orElseThrow());
                assertEquals("w", e.tensor().orElseThrow());
            }
        }
    }

    @Test
    void aSessionClosedBeforeItsTensorsZeroesAndFreesThemOnTheRealDriverAndNamesThem() {
        try (KeySource key = StoreFixtures.key(3);
             TensorStore store = StoreFixtures.builder("jce", key).build()) {
            store.put("w", DType.U8, new long[] {4 * CHUNK}, StoreFixtures.randomBytes(new Random(3), 4 * CHUNK));
            GpuSession gpu = GpuSession.open(0);
            DeviceTensor w = gpu.upload(store, "w");
            DeviceTensor z = gpu.allocate("z", DType.F32, CHUNK);
            var e = assertThrows(IllegalStateException.class, gpu::close);
            assertEquals("GPU session closed with 2 open device tensor(s) [w, z]; they were zeroed and freed first", e.getMessage());
            w.close(); // a no-op now: the session zeroed and freed it while its context was current
            z.close();
            assertThrows(IllegalStateException.class, w::devicePointer);
        }
    }
}
