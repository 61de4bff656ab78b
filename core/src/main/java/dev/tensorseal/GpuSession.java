package dev.tensorseal;

import dev.tensorseal.internal.gpu.DeviceBatches;
import dev.tensorseal.internal.store.SealReservation;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.nativebridge.Availability;
import dev.tensorseal.nativebridge.DeviceBuffer;
import dev.tensorseal.nativebridge.GpuAesGcm;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.PinnedBuffer;
import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One GPU, with tensorseal's AES-256-GCM kernel, for moving sealed tensors between a
 * {@link TensorStore} and device memory without plaintext ever touching host memory.
 *
 * <pre>{@code
 * if (!GpuSession.availability().isAvailable()) { ... CPU path ... }
 * try (GpuSession gpu = GpuSession.open(0);
 *      DeviceTensor w = gpu.upload(store, "layer0.weight")) {
 *     long ptr = w.devicePointer();            // plaintext, on the device only
 *     ... CUDA work on w.stream() ...
 *     gpu.seal(activations, store);             // device plaintext -> sealed tensor in the store
 * }
 * }</pre>
 *
 * <p>{@link #upload} copies ciphertext through pinned staging, then decrypts and verifies every
 * chunk on the device; a chunk whose tag fails is an {@link IntegrityException} naming it, and the
 * device output is zeroed and freed. {@link #seal} seals on the device under a fresh data key and
 * generations reserved from the store, copies ciphertext back and commits it. Data keys reach the
 * device as key contexts (round keys and powers of H), built in pinned host memory that is zeroed
 * afterwards. Not thread-safe: one session per thread. Close tensors before the session; a session closed first
 * zeroes and frees them itself and reports them.
 */
public final class GpuSession implements AutoCloseable {
    private final GpuAesGcm gpu;
    private final Runnable releaseDevice;
    private final DeviceTensorOwner tensors = new DeviceTensorOwner();

    private GpuSession(GpuAesGcm gpu) {
        this(gpu, gpu::close);
    }

    /** {@code gpu} is null only in driverless tests of the ownership logic, which pass their own {@code releaseDevice}. */
    GpuSession(GpuAesGcm gpu, Runnable releaseDevice) {
        this.gpu = gpu;
        this.releaseDevice = releaseDevice;
    }

    /** Makes {@code memory} a device tensor of this session: zeroed and freed by its own close, or by the session's. */
    DeviceTensor adopt(TensorInfo info, DeviceMemory memory) {
        tensors.checkOpen();
        DeviceTensor t = new DeviceTensor(this, info, memory, tensors);
        tensors.add(t);
        return t;
    }

    /** Whether {@link #open} can work here; {@code toString()} is {@code available} or {@code unavailable: <reason>}. Never throws. */
    public static Availability availability() {
        try {
            return GpuAesGcm.availability();
        } catch (RuntimeException | LinkageError e) {
            return Availability.no(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Opens device {@code deviceOrdinal}.
     *
     * @throws GpuUnavailableException with {@code unavailable: <reason>} when there is no usable GPU
     */
    public static GpuSession open(int deviceOrdinal) {
        Availability a = availability();
        if (!a.isAvailable()) {
            throw new GpuUnavailableException("GPU " + a);
        }
        try {
            return new GpuSession(GpuAesGcm.open(deviceOrdinal));
        } catch (NativeException e) {
            throw new GpuUnavailableException("GPU " + deviceOrdinal + " unavailable: " + e.getMessage(), e);
        }
    }

    /** The {@code CUstream} every copy and launch of this session goes to. */
    public MemorySegment stream() {
        return gpu.stream();
    }

    public int deviceOrdinal() {
        return gpu.deviceOrdinal();
    }

    /** Decrypts and verifies tensor {@code name} of {@code store} into new device memory. */
    public DeviceTensor upload(TensorStore store, String name) {
        tensors.checkOpen();
        SealedStore s = store.sealed();
        try {
            return s.withChunkPlan(name, plan -> {
                try (Arena arena = Arena.ofConfined()) {
                    DeviceBatches b = DeviceBatches.forOpen(arena, plan);
                    DeviceBuffer out = gpu.allocate(b.plainBytes());
                    try (DeviceBuffer keys = gpu.uploadKeys(plan.keys());
                         DeviceBuffer in = gpu.allocate(b.sealedBytes());
                         DeviceBuffer aad = gpu.allocate(b.aad().byteSize());
                         PinnedBuffer staging = gpu.allocatePinned(b.sealedBytes() + b.aad().byteSize())) {
                        // Ciphertext and AAD only pass through host memory: the plaintext appears in `out`.
                        DeviceBatches.copySealed(plan, staging.segment());
                        MemorySegment.copy(b.aad(), 0, staging.segment(), b.sealedBytes(), b.aad().byteSize());
                        gpu.copyToDevice(staging, 0, in, 0, b.sealedBytes());
                        gpu.copyToDevice(staging, b.sealedBytes(), aad, 0, b.aad().byteSize());
                        if (b.batch().count() > 0) {
                            DeviceBatches.checkOpened(name, gpu.open(keys, b.keyCount(), b.batch(), in, aad, out));
                        }
                        gpu.synchronize();
                        return adopt(plan.meta().info(), DeviceMemory.of(out));
                    } catch (RuntimeException | Error e) {
                        out.close(); // zeroes whatever the kernel wrote
                        throw e;
                    }
                }
            });
        } catch (NativeException e) {
            throw new GpuException("uploading tensor '" + name + "' to GPU " + deviceOrdinal() + " failed: " + e.getMessage(), e);
        }
    }

    /** New zero-filled device memory for a tensor {@code name} of {@code dtype} and {@code shape}, to fill and {@link #seal}. */
    public DeviceTensor allocate(String name, DType dtype, long... shape) {
        tensors.checkOpen();
        TensorInfo info = TensorInfo.of(name, dtype, shape);
        try {
            DeviceBuffer buffer = gpu.allocate(info.byteSize());
            gpu.fill(buffer, (byte) 0);
            gpu.synchronize();
            return adopt(info, DeviceMemory.of(buffer));
        } catch (NativeException e) {
            throw new GpuException("allocating " + info.byteSize() + " bytes on GPU " + deviceOrdinal() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Seals {@code tensor}'s device bytes on the device and commits them into {@code store} as tensor
     * {@code tensor.info().name()}: a new tensor, or a new state of an existing one with the same
     * dtype and shape (fails at once with {@link WriteConflictException} while another writer holds
     * it). Uses a fresh data key and a generation reserved from the store, so no nonce repeats.
     */
    public TensorInfo seal(DeviceTensor tensor, TensorStore store) {
        return seal(tensor, store, tensor.info().name());
    }

    /** As {@link #seal(DeviceTensor, TensorStore)}, committing under tensor name {@code name}. */
    public TensorInfo seal(DeviceTensor tensor, TensorStore store, String name) {
        tensors.checkOpen();
        if (tensor.session() != this) {
            throw new IllegalArgumentException("tensor '" + tensor.info().name() + "' belongs to another GPU session");
        }
        SealedStore s = store.sealed();
        TensorInfo info = TensorInfo.of(name, tensor.info().dtype(), tensor.info().shape());
        try (SealReservation r = s.info(info.name()).isPresent() ? s.reserveExisting(info.name(), 1, 0) : s.reserveNew(info, 1);
             Arena arena = Arena.ofConfined()) {
            if (!r.meta().info().equals(info)) {
                throw new IllegalArgumentException("tensor '" + info.name() + "' in the store is " + r.meta().info()
                        + ", the device tensor is " + info);
            }
            long generation = r.takeGeneration();
            DeviceBatches b = DeviceBatches.forSeal(arena, r, generation);
            try (DeviceBuffer keys = gpu.uploadKeys(List.of(r.key()));
                 DeviceBuffer out = gpu.allocate(b.sealedBytes());
                 DeviceBuffer aad = gpu.allocate(b.aad().byteSize());
                 PinnedBuffer aadStaging = gpu.allocatePinned(b.aad().byteSize());
                 PinnedBuffer sealed = gpu.allocatePinned(b.sealedBytes())) {
                MemorySegment.copy(b.aad(), 0, aadStaging.segment(), 0, b.aad().byteSize());
                gpu.copyToDevice(aadStaging, 0, aad, 0, b.aad().byteSize());
                if (b.batch().count() > 0) {
                    DeviceBatches.checkSealed(info.name(), gpu.seal(InsecureNonce.permit(), keys, 1, b.batch(), tensor.buffer(), aad, out));
                }
                gpu.copyToHost(out, 0, sealed, 0, b.sealedBytes());
                gpu.synchronize();
                r.commit(generation, DeviceBatches.splitSealed(r.meta(), sealed.segment()));
            }
            return info;
        } catch (NativeException e) {
            throw new GpuException("sealing tensor '" + info.name() + "' on GPU " + deviceOrdinal() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Zeroes and frees every device tensor still open (the context is still current for that), then releases the
     * GPU (its stream, kernel module and context). If tensors were open, throws {@link IllegalStateException} naming
     * them afterwards: nothing is left on the device. Idempotent.
     */
    @Override
    public void close() {
        tensors.close(releaseDevice);
    }
}
