package dev.tensorseal.nativebridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * AES-256-GCM on one GPU with tensorseal's kernel: device memory, pinned staging, async copies on
 * one stream, and batched open (decrypt + verify) / seal launches over {@link ChunkBatch}es.
 * Plaintext produced by {@link #open} stays in device memory; a chunk whose tag fails is zeroed by
 * the kernel and reported in its status. Not thread-safe: use one instance per thread.
 */
public final class GpuAesGcm implements AutoCloseable {
    private static final int KEY_BYTES = 32;
    private static final int CU_EVENT_DISABLE_TIMING = 0x2;

    private final int deviceOrdinal;
    private final int cuDevice;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment module;
    private final MemorySegment openFunction;
    private final MemorySegment sealFunction;
    private final String image;
    private boolean closed;

    private GpuAesGcm(int deviceOrdinal, int cuDevice, MemorySegment context, MemorySegment stream,
                      MemorySegment module, String image) {
        this.deviceOrdinal = deviceOrdinal;
        this.cuDevice = cuDevice;
        this.context = context;
        this.stream = stream;
        this.module = module;
        this.image = image;
        this.openFunction = CudaDriver.moduleGetFunction(module, "tensorseal_gcm_open");
        this.sealFunction = CudaDriver.moduleGetFunction(module, "tensorseal_gcm_seal");
    }

    /** Whether {@link #open(int)} can work here: driver, a device, the packaged kernel and host library. */
    public static Availability availability() {
        GpuReport report = Gpus.probe();
        if (!report.driver().isAvailable()) {
            return report.driver();
        }
        if (!report.kernel().isAvailable()) {
            return report.kernel();
        }
        return GcmHost.unavailableReason().map(Availability::no).orElse(Availability.yes());
    }

    /** Retains device {@code ordinal}'s primary context, creates a stream and loads the kernel. */
    public static GpuAesGcm open(int ordinal) {
        CudaDriver.cuInit();
        int device = CudaDriver.device(ordinal);
        int major = CudaDriver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        int minor = CudaDriver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        KernelImages.Image image = KernelImages.forComputeCapability(major, minor).orElseThrow(() -> new NativeException(
                "cuModuleLoadData", 0, "no packaged kernel image for compute capability " + major + "." + minor + " ("
                        + KernelImages.availability() + ")"));
        MemorySegment context = CudaDriver.primaryContextRetain(device);
        try {
            CudaDriver.contextSetCurrent(context);
            MemorySegment stream = CudaDriver.streamCreate(CudaDriver.CU_STREAM_NON_BLOCKING);
            MemorySegment module;
            try (Arena a = Arena.ofConfined()) {
                module = CudaDriver.moduleLoadData(a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, image.bytes()));
            }
            return new GpuAesGcm(ordinal, device, context, stream, module, image.name());
        } catch (RuntimeException e) {
            CudaDriver.primaryContextRelease(device);
            throw e;
        }
    }

    public int deviceOrdinal() {
        return deviceOrdinal;
    }

    /** The kernel image loaded, e.g. {@code aes_gcm.sm_90.cubin}. */
    public String image() {
        return image;
    }

    /** The {@code CUstream} all copies and launches go to, for other CUDA code to order against. */
    public MemorySegment stream() {
        return stream;
    }

    void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("GpuAesGcm already closed");
        }
        CudaDriver.contextSetCurrent(context);
    }

    public DeviceBuffer allocate(long bytes) {
        makeCurrent();
        return new DeviceBuffer(this, CudaDriver.memAlloc(Math.max(bytes, 1)), bytes);
    }

    public PinnedBuffer allocatePinned(long bytes) {
        makeCurrent();
        return new PinnedBuffer(this, CudaDriver.memHostAlloc(Math.max(bytes, 1), 0).asSlice(0, bytes));
    }

    /**
     * Builds the kernel's key contexts (round keys, H^1..H^256) for 32-byte {@code keys} on the host,
     * in pinned memory that is zeroed afterwards, and copies them to a new device buffer.
     */
    public DeviceBuffer uploadKeys(List<MemorySegment> keys) {
        long bytes = (long) GcmHost.KEY_CONTEXT_BYTES * keys.size();
        DeviceBuffer device = allocate(bytes);
        try (PinnedBuffer staging = allocatePinned(bytes)) {
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i).byteSize() != KEY_BYTES) {
                    throw new IllegalArgumentException("key " + i + " must be 32 bytes");
                }
                GcmHost.keyInit(keys.get(i), staging.segment().asSlice((long) i * GcmHost.KEY_CONTEXT_BYTES,
                        GcmHost.KEY_CONTEXT_BYTES));
            }
            copyToDevice(staging, 0, device, 0, bytes);
            synchronize();
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        return device;
    }

    /** Async host-to-device copy on this instance's stream. */
    public void copyToDevice(PinnedBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes) {
        makeCurrent();
        dst.checkRange(dstOffset, bytes);
        CudaDriver.memcpyHtoDAsync(dst.address() + dstOffset, src.segment().asSlice(srcOffset, bytes), bytes, stream);
    }

    /** Async device-to-host copy on this instance's stream. */
    public void copyToHost(DeviceBuffer src, long srcOffset, PinnedBuffer dst, long dstOffset, long bytes) {
        makeCurrent();
        src.checkRange(srcOffset, bytes);
        CudaDriver.memcpyDtoHAsync(dst.segment().asSlice(dstOffset, bytes), src.address() + srcOffset, bytes, stream);
    }

    /** Async device-to-device copy on this instance's stream. */
    public void copyOnDevice(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes) {
        makeCurrent();
        src.checkRange(srcOffset, bytes);
        dst.checkRange(dstOffset, bytes);
        CudaDriver.memcpyDtoDAsync(dst.address() + dstOffset, src.address() + srcOffset, bytes, stream);
    }

    /**
     * Fills a device buffer with one byte value, asynchronously on this instance's stream, so later copies and
     * launches on the stream see it. (Was cuMemsetD8 on the legacy stream, which this non-blocking stream does not
     * wait for: a kernel launched right after could race the fill.)
     */
    public void fill(DeviceBuffer dst, byte value) {
        makeCurrent();
        CudaDriver.memsetD8Async(dst.address(), value, dst.byteSize(), stream);
    }

    /**
     * Decrypts and verifies every chunk of {@code batch} from {@code in} (ciphertext||tag) to
     * {@code out}, waits, and returns the per-chunk status ({@link ChunkBatch#STATUS_OK}, ...).
     */
    public int[] open(DeviceBuffer keys, int keyCount, ChunkBatch batch, DeviceBuffer in, DeviceBuffer aad,
                      DeviceBuffer out) {
        return run(openFunction, false, keys, keyCount, batch, in, aad, out);
    }

    /**
     * Seals every chunk of {@code batch} from {@code in} (plaintext) to {@code out} (ciphertext||tag) under the
     * batch's nonces, which must never repeat under a key (hence the {@link InsecureNonce} permit).
     */
    @SuppressWarnings("exports") // on purpose: the permit's package is exported to core only
    public int[] seal(InsecureNonce permit, DeviceBuffer keys, int keyCount, ChunkBatch batch, DeviceBuffer in,
                      DeviceBuffer aad, DeviceBuffer out) {
        InsecureNonce.check(permit, "GpuAesGcm.seal");
        return run(sealFunction, true, keys, keyCount, batch, in, aad, out);
    }

    /**
     * Enqueues the kernel only (descriptors and status already on the device), for pipelines that
     * overlap uploads with decryption. {@code seal} picks the direction; sealing needs the {@link InsecureNonce}
     * permit (the descriptors' nonces must never repeat under a key), opening takes null.
     */
    @SuppressWarnings("exports") // on purpose: the permit's package is exported to core only
    public void launch(InsecureNonce permit, boolean seal, DeviceBuffer keys, int keyCount, DeviceBuffer descriptors, int count,
                       DeviceBuffer in, DeviceBuffer aad, DeviceBuffer out, DeviceBuffer status) {
        if (seal) {
            InsecureNonce.check(permit, "GpuAesGcm.launch (seal)");
        }
        makeCurrent();
        if (descriptors.byteSize() < count * ChunkBatch.DESCRIPTOR.byteSize() || status.byteSize() < 4L * count) {
            throw new IllegalArgumentException("descriptor or status buffer too small for " + count + " chunks");
        }
        launchRaw(seal, keys.address(), keyCount, descriptors.address(), count, in.address(), aad.address(),
                out.address(), status.address(), stream);
    }

    /** The launch itself, on raw device addresses and any stream of this context (pipelines, checks). */
    void launchRaw(boolean seal, long keys, int keyCount, long descriptors, int count, long in, long aad, long out,
                   long status, MemorySegment onStream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment[] values = {
                a.allocateFrom(JAVA_LONG, keys), a.allocateFrom(JAVA_INT, keyCount),
                a.allocateFrom(JAVA_LONG, descriptors), a.allocateFrom(JAVA_INT, count),
                a.allocateFrom(JAVA_LONG, in), a.allocateFrom(JAVA_LONG, aad),
                a.allocateFrom(JAVA_LONG, out), a.allocateFrom(JAVA_LONG, status)
            };
            MemorySegment params = a.allocate(ADDRESS, values.length);
            for (int i = 0; i < values.length; i++) {
                params.setAtIndex(ADDRESS, i, values[i]);
            }
            int grid = Math.min(count, 1 << 20); // the kernel strides over the rest
            CudaDriver.launchKernel(seal ? sealFunction : openFunction, Math.max(grid, 1), GcmHost.THREADS, 0,
                    onStream, params);
        }
    }

    private int[] run(MemorySegment function, boolean seal, DeviceBuffer keys, int keyCount, ChunkBatch batch,
                      DeviceBuffer in, DeviceBuffer aad, DeviceBuffer out) {
        batch.checkBounds(keys.byteSize() / GcmHost.KEY_CONTEXT_BYTES, keyCount, in.byteSize(), aad.byteSize(),
                out.byteSize(), Long.MAX_VALUE, seal);
        int count = batch.count();
        long descBytes = batch.descriptors().byteSize();
        try (DeviceBuffer desc = allocate(descBytes); DeviceBuffer status = allocate(4L * count);
             PinnedBuffer staging = allocatePinned(Math.max(descBytes, 4L * count))) {
            MemorySegment.copy(batch.descriptors(), 0, staging.segment(), 0, descBytes);
            copyToDevice(staging, 0, desc, 0, descBytes);
            launch(seal ? InsecureNonce.permit() : null, seal, keys, keyCount, desc, count, in, aad, out, status);
            copyToHost(status, 0, staging, 0, 4L * count);
            synchronize();
            return staging.segment().asSlice(0, 4L * count).toArray(JAVA_INT);
        }
    }

    /**
     * The sealed-upload pipeline: copies {@code slices} slices of {@code sliceBytes} sealed chunks each from pinned
     * {@code host} into {@code in} (same offsets) on this instance's stream, and opens each slice's
     * {@code chunksPerSlice} chunks (descriptors already on the device, in slice order; statuses likewise) on a second
     * stream as soon as its copy has landed, so copies overlap decryption. This instance's stream then waits for the
     * last launch, so {@link #timeMillis} times the whole pipeline; returns when it has finished.
     */
    public void openPipelined(DeviceBuffer keys, int keyCount, DeviceBuffer descriptors, int chunksPerSlice, int slices,
                              long sliceBytes, PinnedBuffer host, DeviceBuffer in, DeviceBuffer aad, DeviceBuffer out,
                              DeviceBuffer status) {
        makeCurrent();
        long chunks = (long) chunksPerSlice * slices;
        if (descriptors.byteSize() < chunks * ChunkBatch.DESCRIPTOR.byteSize() || status.byteSize() < 4L * chunks
                || host.byteSize() < sliceBytes * slices || in.byteSize() < sliceBytes * slices) {
            throw new IllegalArgumentException("buffers too small for " + slices + " slices of " + chunksPerSlice
                    + " chunks (" + sliceBytes + " bytes each)");
        }
        MemorySegment compute = CudaDriver.streamCreate(CudaDriver.CU_STREAM_NON_BLOCKING);
        MemorySegment[] copied = new MemorySegment[slices];
        try {
            for (int s = 0; s < slices; s++) {
                copyToDevice(host, s * sliceBytes, in, s * sliceBytes, sliceBytes);
                copied[s] = CudaDriver.eventCreate(CU_EVENT_DISABLE_TIMING); // ordering only
                CudaDriver.eventRecord(copied[s], stream);
                CudaDriver.streamWaitEvent(compute, copied[s]);
                launchRaw(false, keys.address(), keyCount,
                        descriptors.address() + s * chunksPerSlice * ChunkBatch.DESCRIPTOR.byteSize(), chunksPerSlice,
                        in.address(), aad.address(), out.address(), status.address() + 4L * s * chunksPerSlice, compute);
            }
            MemorySegment done = CudaDriver.eventCreate(CU_EVENT_DISABLE_TIMING);
            CudaDriver.eventRecord(done, compute);
            CudaDriver.streamWaitEvent(stream, done); // a timing end event recorded on this stream waits for compute
            CudaDriver.eventDestroy(done);
        } finally {
            CudaDriver.streamSynchronize(compute);
            for (MemorySegment e : copied) {
                if (e != null) {
                    CudaDriver.eventDestroy(e);
                }
            }
            CudaDriver.streamDestroy(compute);
        }
    }

    /** Waits for everything enqueued on this instance's stream. */
    public void synchronize() {
        makeCurrent();
        CudaDriver.streamSynchronize(stream);
    }

    /** Milliseconds the device spent on what {@code work} enqueues, measured with CUDA events. */
    public float timeMillis(Runnable work) {
        makeCurrent();
        MemorySegment start = CudaDriver.eventCreate(CudaDriver.CU_EVENT_DEFAULT);
        MemorySegment end = CudaDriver.eventCreate(CudaDriver.CU_EVENT_DEFAULT);
        try {
            CudaDriver.eventRecord(start, stream);
            work.run();
            CudaDriver.eventRecord(end, stream);
            CudaDriver.eventSynchronize(end);
            return CudaDriver.eventElapsedMillis(start, end);
        } finally {
            CudaDriver.eventDestroy(start);
            CudaDriver.eventDestroy(end);
        }
    }

    /** Unloads the kernel, destroys the stream and releases the primary context. Buffers must be closed first. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        makeCurrent();
        closed = true;
        CudaDriver.streamSynchronize(stream);
        CudaDriver.moduleUnload(module);
        CudaDriver.streamDestroy(stream);
        CudaDriver.primaryContextRelease(cuDevice);
    }
}
