package dev.tensorseal.nativebridge;

import java.util.OptionalLong;

/**
 * The system's confidential-computing state as the NVIDIA driver reports it through NVML. This is
 * the driver's own claim: it is only as trustworthy as the driver until attestation evidence
 * ({@link AttestationEvidence}) has been verified elsewhere.
 *
 * @param featureEnabled CC mode is on
 * @param environment production, simulation or unavailable
 * @param devToolsMode devtools mode (profiling allowed, not for production secrets)
 * @param multiGpuMode protected PCIe, NVLink encryption or none
 * @param gpusReady the GPUs accept work (ready state set after attestation)
 * @param cpuTee the CPU TEE NVML detected
 * @param gpusCapable NVML reports the GPUs CC-capable
 * @param keyRotationAttackerAdvantage key-rotation threshold (50..65) where the driver reports one
 */
public record ConfidentialComputingStatus(boolean featureEnabled, Environment environment, boolean devToolsMode,
                                          MultiGpuMode multiGpuMode, boolean gpusReady, CpuTee cpuTee,
                                          boolean gpusCapable, OptionalLong keyRotationAttackerAdvantage) {
    /** NVML_CC_SYSTEM_ENVIRONMENT_*. */
    public enum Environment {
        UNAVAILABLE, SIMULATION, PRODUCTION, UNKNOWN;

        static Environment of(int v) {
            return v >= 0 && v <= 2 ? values()[v] : UNKNOWN;
        }
    }

    /** NVML_CC_SYSTEM_MULTIGPU_*; UNKNOWN where the driver has no settings call. */
    public enum MultiGpuMode {
        NONE, PROTECTED_PCIE, NVLINK_ENCRYPTION, UNKNOWN;

        static MultiGpuMode of(int v) {
            return v >= 0 && v <= 2 ? values()[v] : UNKNOWN;
        }
    }

    /** NVML_CC_SYSTEM_CPU_CAPS_*. */
    public enum CpuTee {
        NONE, AMD_SEV, INTEL_TDX, AMD_SEV_SNP, AMD_SNP_VTOM, UNKNOWN;

        static CpuTee of(int v) {
            return v >= 0 && v <= 4 ? values()[v] : UNKNOWN;
        }
    }

    /** On, in production, not devtools, and the GPUs accept work: what a key-release policy asks for. */
    public boolean readyForSecrets() {
        return featureEnabled && environment == Environment.PRODUCTION && !devToolsMode && gpusReady;
    }
}
