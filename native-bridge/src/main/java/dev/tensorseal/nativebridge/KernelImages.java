package dev.tensorseal.nativebridge;

import java.util.Arrays;
import java.util.Optional;

/**
 * Picks the packaged kernel image for a compute capability: the cubin of the same major (cubins
 * run on equal or newer minors of their major), else the compute_90 PTX, which the driver JITs
 * for any newer GPU.
 */
final class KernelImages {
    static final String AES_GCM = "aes_gcm";
    static final String PTX = "aes_gcm.compute_90.ptx";
    static final String[] CUBINS = {"aes_gcm.sm_90.cubin", "aes_gcm.sm_100.cubin", "aes_gcm.sm_120.cubin"};

    private KernelImages() {}

    /** A named image; PTX bytes carry the NUL terminator cuModuleLoadData needs. */
    record Image(String name, byte[] bytes) {}

    static Availability availability() {
        boolean any = BundledResources.class.getResource(BundledResources.CUDA_DIR + PTX) != null
                || Arrays.stream(CUBINS).anyMatch(c -> BundledResources.class.getResource(BundledResources.CUDA_DIR + c) != null);
        return any ? Availability.yes()
                : Availability.no("GPU kernel not packaged (this build had no nvcc; see native-bridge/src/main/cuda/build-native.sh)");
    }

    static Optional<Image> forComputeCapability(int major, int minor) {
        return forComputeCapability(AES_GCM, major, minor);
    }

    /** The image of packaged module {@code module} ({@code aes_gcm}, {@code tensor_ops}) for a compute capability. */
    static Optional<Image> forComputeCapability(String module, int major, int minor) {
        if (major < 9) {
            return Optional.empty(); // the PTX targets compute_90
        }
        String cubin = module + ".sm_" + major + "0.cubin";
        Optional<byte[]> bytes = BundledResources.read(BundledResources.CUDA_DIR + cubin);
        if (bytes.isPresent()) {
            return Optional.of(new Image(cubin, bytes.get()));
        }
        String ptx = module + ".compute_90.ptx";
        return BundledResources.read(BundledResources.CUDA_DIR + ptx).map(p -> new Image(ptx, Arrays.copyOf(p, p.length + 1)));
    }
}
