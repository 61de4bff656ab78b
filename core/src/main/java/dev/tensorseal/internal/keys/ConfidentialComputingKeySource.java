package dev.tensorseal.internal.keys;

import dev.tensorseal.KeyReleaseDeniedException;
import dev.tensorseal.KeySource;
import dev.tensorseal.nativebridge.ConfidentialComputingStatus;
import dev.tensorseal.nativebridge.GpuReport;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.function.Supplier;

/** Releases the wrapped source's key only while the driver reports CC ready for secrets; fails closed. */
public final class ConfidentialComputingKeySource implements DelegatingKeySource {
    private final KeySource inner;
    private final Supplier<GpuReport> probe;

    public ConfidentialComputingKeySource(KeySource inner, Supplier<GpuReport> probe) {
        this.inner = inner;
        this.probe = probe;
    }

    @Override
    public void writeKey(MemorySegment destination) {
        Optional<String> refusal;
        try {
            refusal = refusal(probe.get());
        } catch (RuntimeException e) {
            // A probe that breaks must not open the gate: fail closed, keep the cause.
            throw new KeyReleaseDeniedException(denied("the confidential-computing probe failed: " + e.getMessage()), e);
        }
        if (refusal.isPresent()) {
            throw new KeyReleaseDeniedException(denied(refusal.get()));
        }
        inner.writeKey(destination);
    }

    private String denied(String why) {
        return "key from " + inner.description() + " withheld: " + why
                + " (policy: release only to GPUs in confidential-computing mode, ready for secrets)";
    }

    /** Why the key may not be released, or empty when the driver reports CC on, production, devtools off, GPUs ready. */
    static Optional<String> refusal(GpuReport report) {
        if (report == null) {
            return Optional.of("no GPU report");
        }
        if (!report.nvml().isAvailable()) {
            return Optional.of("confidential-computing state unknown: NVML " + report.nvml());
        }
        if (report.confidentialComputing().isEmpty()) {
            return Optional.of("the driver reported no confidential-computing state");
        }
        ConfidentialComputingStatus s = report.confidentialComputing().get();
        if (s.readyForSecrets()) {
            return Optional.empty();
        }
        if (!s.featureEnabled()) {
            return Optional.of("confidential-computing mode is off");
        }
        if (s.environment() != ConfidentialComputingStatus.Environment.PRODUCTION) {
            return Optional.of("the confidential-computing environment is " + s.environment() + ", not PRODUCTION");
        }
        if (s.devToolsMode()) {
            return Optional.of("confidential-computing devtools mode is on");
        }
        return Optional.of("the GPUs are not in the ready state (attestation not completed)");
    }

    @Override
    public String description() {
        return inner.description() + " (released only to confidential-computing GPUs)";
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public KeySource delegate() {
        return inner;
    }
}
