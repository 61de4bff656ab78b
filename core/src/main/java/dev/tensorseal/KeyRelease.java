package dev.tensorseal;

import dev.tensorseal.internal.attestation.NvmlEvidenceCollector;
import dev.tensorseal.internal.keys.ConfidentialComputingKeySource;
import dev.tensorseal.internal.keys.VerifiedAttestationKeySource;
import dev.tensorseal.nativebridge.ConfidentialComputingStatus;
import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Key-release policies: key sources that hand out their key only when a condition holds, checked
 * at every release (every store opened or rekeyed with them), and fail closed otherwise with a
 * {@link KeyReleaseDeniedException}.
 *
 * <pre>{@code
 * try (KeySource key = KeyRelease.requireConfidentialComputing(KeySource.environment("TENSORSEAL_KEY"));
 *      TensorStore store = TensorStore.builder().keySource(key).build()) { ... }
 * }</pre>
 *
 * <p><b>Trust.</b> {@link #requireVerifiedAttestation} is the strong mode: it verifies fresh attestation
 * evidence from every GPU (NVIDIA-rooted certificate chain, signed report over a new nonce, reference
 * measurements) before each release. {@link #requireConfidentialComputing} is the weaker mode: its condition
 * is the NVIDIA driver's own report through NVML ({@link ConfidentialComputingStatus#readyForSecrets()}: CC
 * on, production environment, devtools off, GPUs ready), only as trustworthy as the driver and the host it
 * runs on; it does not verify the evidence ({@link Gpus#attest}).
 */
public final class KeyRelease {
    private KeyRelease() {}

    /**
     * {@code source}'s key, released only while the driver reports confidential computing ready for
     * secrets ({@link Gpus#probe()} at each release). Without a driver or NVML it fails closed.
     * Closing the returned source closes {@code source}.
     */
    public static KeySource requireConfidentialComputing(KeySource source) {
        return requireConfidentialComputing(source, Gpus::probe);
    }

    /** As {@link #requireConfidentialComputing(KeySource)}, asking {@code probe} for the GPU report (tests, custom probes). */
    public static KeySource requireConfidentialComputing(KeySource source, Supplier<GpuReport> probe) {
        return new ConfidentialComputingKeySource(Objects.requireNonNull(source, "source"), Objects.requireNonNull(probe, "probe"));
    }

    /**
     * {@code source}'s key, released only after fresh attestation evidence from every GPU (through NVML,
     * a new nonce per GPU at each release) verified under {@code policy}; the GPUs are then set ready
     * ({@code nvmlSystemSetConfComputeGpusReadyState}) and the key written. Anything missing or failing
     * (no driver, no GPU, any failed check) denies with a {@link KeyReleaseDeniedException} naming the
     * first failed check. Closing the returned source closes {@code source}.
     */
    public static KeySource requireVerifiedAttestation(KeySource source, AttestationPolicy policy) {
        // Tests give VerifiedAttestationKeySource a fake EvidenceCollector; production asks NVML.
        return new VerifiedAttestationKeySource(Objects.requireNonNull(source, "source"), Objects.requireNonNull(policy, "policy"),
                new NvmlEvidenceCollector());
    }
}
