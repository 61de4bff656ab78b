package dev.tensorseal;

import dev.tensorseal.internal.gpu.ConfidentialComputingKeySource;
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
 * <p><b>Trust.</b> The condition is the NVIDIA driver's own report through NVML
 * ({@link ConfidentialComputingStatus#readyForSecrets()}: CC on, production environment, devtools
 * off, GPUs ready). It is only as trustworthy as the driver and the host it runs on until the
 * attestation evidence ({@link Gpus#attest}) has been verified elsewhere; this policy does not
 * verify it.
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
}
