package dev.tensorseal.internal.attestation;

import dev.tensorseal.nativebridge.AttestationEvidence;
import dev.tensorseal.nativebridge.Gpus;

/** Evidence from the NVIDIA driver through NVML ({@link Gpus#attest}); fails with NVML's own error without a driver. */
public final class NvmlEvidenceCollector implements EvidenceCollector {
    @Override
    public int gpuCount() {
        return Gpus.attestableDeviceCount();
    }

    @Override
    public GpuEvidence collect(int ordinal, byte[] nonce) {
        AttestationEvidence e = Gpus.attest(ordinal, nonce);
        return new GpuEvidence("gpu " + ordinal, e.report(),
                e.attestationCertificateChainPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public void setGpusReady() {
        Gpus.setConfidentialComputingGpusReady();
    }
}
