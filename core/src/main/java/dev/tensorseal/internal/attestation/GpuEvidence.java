package dev.tensorseal.internal.attestation;

/**
 * One GPU's evidence as NVML returns it: the attestation report and the attestation certificate chain
 * (PEM, leaf first), labelled {@code subject} in check results ({@code gpu 0}).
 */
public record GpuEvidence(String subject, byte[] report, byte[] certificateChain) {
    public GpuEvidence {
        report = report.clone();
        certificateChain = certificateChain.clone();
    }

    @Override
    public byte[] report() {
        return report.clone();
    }

    @Override
    public byte[] certificateChain() {
        return certificateChain.clone();
    }
}
