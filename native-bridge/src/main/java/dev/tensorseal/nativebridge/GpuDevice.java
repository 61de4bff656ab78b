package dev.tensorseal.nativebridge;

/**
 * One CUDA device as the driver reports it.
 *
 * @param ordinal CUDA device ordinal
 * @param name marketing name, e.g. "NVIDIA H100 80GB HBM3"
 * @param computeMajor compute capability major (9 for Hopper, 10 and 12 for Blackwell)
 * @param computeMinor compute capability minor
 * @param totalMemoryBytes device memory
 * @param confidentialComputingCapable NVML reports the system's GPUs CC-capable and the device is Hopper or newer
 */
public record GpuDevice(int ordinal, String name, int computeMajor, int computeMinor, long totalMemoryBytes,
                        boolean confidentialComputingCapable) {
    /** "9.0". */
    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }
}
