package dev.tensorseal.nativebridge;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Gpus#probe()} found. Each part carries its own availability: a machine can have the
 * CUDA driver without NVML's CC calls, or neither.
 *
 * @param driver whether the CUDA driver loaded and initialised
 * @param driverVersion the CUDA driver version (e.g. 13000), 0 when unavailable
 * @param devices the CUDA devices; empty when the driver is unavailable
 * @param nvml whether NVML loaded and initialised
 * @param confidentialComputing the CC state, when NVML could report it
 * @param kernel whether the AES-GCM kernel images are packaged in this build
 */
public record GpuReport(Availability driver, int driverVersion, List<GpuDevice> devices, Availability nvml,
                        Optional<ConfidentialComputingStatus> confidentialComputing, Availability kernel) {
    public GpuReport {
        devices = List.copyOf(devices);
    }
}
