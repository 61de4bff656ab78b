package dev.tensorseal.nativebridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A CUDA module loaded into a device's primary context, the context {@link GpuAesGcm} (and so a
 * core {@code GpuSession}) uses: its kernels can work on device tensors' plaintext in place and be
 * ordered on the session's stream. Load a module packaged with native-bridge
 * ({@link #loadPackaged}, e.g. {@code tensor_ops}) or any cubin/PTX image ({@link #load}).
 * Not thread-safe.
 */
public final class CudaModule implements AutoCloseable {
    private final int cuDevice;
    private final MemorySegment context;
    private final MemorySegment module;
    private final String image;
    private boolean closed;

    private CudaModule(int cuDevice, MemorySegment context, MemorySegment module, String image) {
        this.cuDevice = cuDevice;
        this.context = context;
        this.module = module;
        this.image = image;
    }

    /**
     * Loads packaged module {@code name} (images {@code name.sm_XX.cubin} / {@code name.compute_90.ptx},
     * built by build-native.sh) on device {@code deviceOrdinal}.
     *
     * @throws NativeException when there is no driver or device, or no packaged image fits the device
     */
    public static CudaModule loadPackaged(int deviceOrdinal, String name) {
        CudaDriver.cuInit();
        int device = CudaDriver.device(deviceOrdinal);
        int major = CudaDriver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        int minor = CudaDriver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        KernelImages.Image img = KernelImages.forComputeCapability(name, major, minor).orElseThrow(() -> new NativeException(
                "cuModuleLoadData", 0, "no packaged image of module '" + name + "' for compute capability " + major + "."
                        + minor));
        return load(device, img.bytes(), img.name());
    }

    /** Loads a cubin, fatbin or PTX image (PTX gets the NUL terminator the driver needs) on device {@code deviceOrdinal}. */
    public static CudaModule load(int deviceOrdinal, byte[] image) {
        CudaDriver.cuInit();
        int device = CudaDriver.device(deviceOrdinal);
        boolean elf = image.length >= 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
        byte[] bytes = elf || (image.length > 0 && image[image.length - 1] == 0) ? image : Arrays.copyOf(image, image.length + 1);
        return load(device, bytes, "image of " + image.length + " bytes");
    }

    private static CudaModule load(int device, byte[] bytes, String name) {
        MemorySegment context = CudaDriver.primaryContextRetain(device);
        try {
            CudaDriver.contextSetCurrent(context);
            try (Arena a = Arena.ofConfined()) {
                return new CudaModule(device, context, CudaDriver.moduleLoadData(a.allocateFrom(ValueLayout.JAVA_BYTE, bytes)),
                        name);
            }
        } catch (RuntimeException e) {
            CudaDriver.primaryContextRelease(device);
            throw e;
        }
    }

    /** The image loaded, e.g. {@code tensor_ops.sm_90.cubin}. */
    public String image() {
        return image;
    }

    /**
     * Enqueues kernel {@code function} on {@code stream} (a {@code CUstream} of the same device, such as
     * a session's) with a 1-D grid. Each argument is a {@code Long} (64-bit: device pointers,
     * {@code uint64_t}), an {@code Integer} (32-bit) or a {@code Float}, in the kernel's parameter order.
     */
    public void launch(String function, int gridX, int blockX, MemorySegment stream, Object... args) {
        if (closed) {
            throw new IllegalStateException("CUDA module already closed");
        }
        if (gridX < 1 || blockX < 1 || blockX > 1024) {
            throw new IllegalArgumentException("grid must be >= 1 and block 1..1024, got " + gridX + " x " + blockX);
        }
        CudaDriver.contextSetCurrent(context);
        MemorySegment f = CudaDriver.moduleGetFunction(module, function);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, Math.max(args.length, 1));
            for (int i = 0; i < args.length; i++) {
                MemorySegment value = switch (args[i]) {
                    case Long l -> a.allocateFrom(JAVA_LONG, l);
                    case Integer n -> a.allocateFrom(JAVA_INT, n);
                    case Float x -> a.allocateFrom(JAVA_FLOAT, x);
                    case null, default -> throw new IllegalArgumentException("kernel argument " + i
                            + " must be a Long, Integer or Float, got " + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
                };
                params.setAtIndex(ADDRESS, i, value);
            }
            CudaDriver.launchKernel(f, gridX, blockX, 0, stream, params);
        }
    }

    /** Unloads the module and releases the primary context (device tensors of a session stay valid). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CudaDriver.contextSetCurrent(context);
        CudaDriver.moduleUnload(module);
        CudaDriver.primaryContextRelease(cuDevice);
    }
}
