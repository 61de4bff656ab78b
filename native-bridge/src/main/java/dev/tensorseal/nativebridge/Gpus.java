package dev.tensorseal.nativebridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Entry point for GPU discovery and confidential-computing evidence. Nothing here throws because a
 * driver or GPU is missing: {@link #probe()} reports it.
 */
public final class Gpus {
    private static final int NVML_CC_SYSTEM_GPUS_CC_CAPABLE = 1;

    private Gpus() {}

    /** Devices, CC state and kernel packaging; never throws for missing drivers, GPUs or native access. */
    public static GpuReport probe() {
        Availability kernel = KernelImages.availability();
        Optional<String> missing = CudaDriver.unavailableReason();
        Availability driver;
        int version = 0;
        List<GpuDevice> devices = new ArrayList<>();
        CcProbe cc = probeConfidentialComputing();
        if (missing.isPresent()) {
            driver = Availability.no(missing.get());
        } else {
            try {
                CudaDriver.cuInit();
                version = CudaDriver.driverVersion();
                int count = CudaDriver.deviceCount();
                for (int i = 0; i < count; i++) {
                    int d = CudaDriver.device(i);
                    int major = CudaDriver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
                    int minor = CudaDriver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d);
                    devices.add(new GpuDevice(i, CudaDriver.deviceName(d), major, minor,
                            CudaDriver.totalMemoryBytes(d), cc.gpusCapable && major >= 9));
                }
                driver = count == 0 ? Availability.no("the CUDA driver sees no device") : Availability.yes();
            } catch (NativeException e) {
                driver = Availability.no(e.getMessage());
            }
        }
        return new GpuReport(driver, version, devices, cc.availability, cc.status, kernel);
    }

    /**
     * Asks device {@code ordinal} (NVML index) for an attestation report over {@code nonce} (32 bytes,
     * fresh and random, chosen by the verifier) plus its certificate chains.
     *
     * @throws NativeException when NVML is unavailable or the driver refuses (e.g. CC off)
     */
    public static AttestationEvidence attest(int ordinal, byte[] nonce) {
        if (nonce.length != Nvml.NVML_CC_GPU_CEC_NONCE_SIZE) {
            throw new IllegalArgumentException("attestation nonce must be 32 bytes, got " + nonce.length);
        }
        Nvml.init();
        try {
            var device = Nvml.deviceHandle(ordinal);
            byte[][] report = Nvml.confComputeGpuAttestationReport(device, nonce);
            byte[][] certs = Nvml.confComputeGpuCertificate(device);
            return new AttestationEvidence(ordinal, nonce, report[0], report[1], certs[0], certs[1]);
        } finally {
            Nvml.shutdown();
        }
    }

    /**
     * The number of GPUs NVML sees (the ordinals {@link #attest} accepts).
     *
     * @throws NativeException when NVML is unavailable
     */
    public static int attestableDeviceCount() {
        Nvml.init();
        try {
            return Nvml.deviceCount();
        } finally {
            Nvml.shutdown();
        }
    }

    /**
     * Tells the driver the GPUs may accept work ({@code nvmlSystemSetConfComputeGpusReadyState(1)}), as
     * NVIDIA's verifier does after attestation succeeded. Call it only after verifying every GPU's evidence.
     *
     * @throws NativeException when NVML is unavailable or refuses (e.g. CC off, no permission)
     */
    public static void setConfidentialComputingGpusReady() {
        Nvml.init();
        try {
            Nvml.setConfComputeGpusReady(true);
        } finally {
            Nvml.shutdown();
        }
    }

    private record CcProbe(Availability availability, Optional<ConfidentialComputingStatus> status,
                           boolean gpusCapable) {}

    private static CcProbe probeConfidentialComputing() {
        Optional<String> missing = Nvml.unavailableReason();
        if (missing.isPresent()) {
            return new CcProbe(Availability.no(missing.get()), Optional.empty(), false);
        }
        try {
            Nvml.init();
        } catch (NativeException e) {
            return new CcProbe(Availability.no(e.getMessage()), Optional.empty(), false);
        }
        try {
            int[] caps = Nvml.confComputeCapabilities();
            int environment;
            int feature;
            int devTools;
            int multiGpu;
            try {
                int[] s = Nvml.confComputeSettings(); // Hopper or newer, newer drivers
                environment = s[1];
                feature = s[2];
                devTools = s[3];
                multiGpu = s[4];
            } catch (NativeException e) {
                int[] s = Nvml.confComputeState();
                environment = s[0];
                feature = s[1];
                devTools = s[2];
                multiGpu = -1;
            }
            boolean on = feature == 1;
            boolean ready = on && Nvml.confComputeGpusReady();
            OptionalLong threshold = OptionalLong.empty();
            if (on) {
                try {
                    threshold = OptionalLong.of(Nvml.confComputeKeyRotationAttackerAdvantage());
                } catch (NativeException e) {
                    threshold = OptionalLong.empty(); // older drivers: no key rotation
                }
            }
            var status = new ConfidentialComputingStatus(on, ConfidentialComputingStatus.Environment.of(environment),
                    devTools == 1, ConfidentialComputingStatus.MultiGpuMode.of(multiGpu), ready,
                    ConfidentialComputingStatus.CpuTee.of(caps[0]), caps[1] == NVML_CC_SYSTEM_GPUS_CC_CAPABLE,
                    threshold);
            return new CcProbe(Availability.yes(), Optional.of(status), status.gpusCapable());
        } catch (NativeException e) {
            return new CcProbe(Availability.no(e.getMessage()), Optional.empty(), false);
        } finally {
            try {
                Nvml.shutdown();
            } catch (NativeException e) {
                // nothing to undo: shutdown only drops NVML's reference count
            }
        }
    }
}
