package dev.tensorseal.internal.attestation;

/**
 * The NVML boundary of verified key release: how many GPUs there are, fresh evidence from one for a
 * nonce, and telling the driver the GPUs may accept work. Production uses {@link NvmlEvidenceCollector};
 * tests supply synthetic evidence here, since CI has no GPU.
 */
public interface EvidenceCollector {
    int gpuCount();

    /** Evidence from GPU {@code ordinal} answering {@code nonce} (32 bytes). */
    GpuEvidence collect(int ordinal, byte[] nonce);

    /** Called once every GPU's evidence verified, before the key is released. */
    void setGpusReady();
}
