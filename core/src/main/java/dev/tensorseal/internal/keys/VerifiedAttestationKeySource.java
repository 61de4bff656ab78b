package dev.tensorseal.internal.keys;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.AttestationResult;
import dev.tensorseal.KeyReleaseDeniedException;
import dev.tensorseal.KeySource;
import dev.tensorseal.internal.attestation.DistinctDevices;
import dev.tensorseal.internal.attestation.EvidenceCollector;
import dev.tensorseal.internal.attestation.EvidenceVerifier;
import dev.tensorseal.internal.attestation.GpuEvidence;
import dev.tensorseal.internal.attestation.Nonces;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Releases the wrapped source's key only after fresh attestation evidence from every GPU verified under
 * the policy, at every release: a new nonce per GPU per release, so no earlier report can be replayed.
 * Each GPU must be a device of its own (a distinct attestation key). The GPUs are set ready only after all of
 * them verified. Anything missing or failing denies, naming the
 * first failed check.
 */
public final class VerifiedAttestationKeySource implements DelegatingKeySource {
    private final KeySource inner;
    private final EvidenceCollector collector;
    private final EvidenceVerifier verifier;

    public VerifiedAttestationKeySource(KeySource inner, AttestationPolicy policy, EvidenceCollector collector) {
        this.inner = inner;
        this.collector = collector;
        this.verifier = new EvidenceVerifier(policy);
    }

    @Override
    public void writeKey(MemorySegment destination) {
        AttestationResult result;
        try {
            result = attest();
        } catch (RuntimeException e) {
            throw new KeyReleaseDeniedException(denied("collecting attestation evidence failed: " + e.getMessage()), e);
        }
        if (!result.passed()) {
            AttestationResult.Check first = result.firstFailure().orElseThrow();
            throw new KeyReleaseDeniedException(denied("attestation check " + first.name() + " failed for " + first.subject()
                    + ": " + first.reason()));
        }
        try {
            collector.setGpusReady();
        } catch (RuntimeException e) {
            throw new KeyReleaseDeniedException(denied("setting the GPUs ready failed: " + e.getMessage()), e);
        }
        inner.writeKey(destination);
    }

    /** Fresh evidence from every GPU, each for its own new nonce, all verified, no device counted twice. */
    AttestationResult attest() {
        int count = collector.gpuCount();
        if (count <= 0) {
            throw new IllegalStateException("there is no GPU to attest");
        }
        List<AttestationResult.Check> checks = new ArrayList<>();
        DistinctDevices devices = new DistinctDevices();
        for (int i = 0; i < count; i++) {
            byte[] nonce = Nonces.fresh();
            GpuEvidence evidence = collector.collect(i, nonce.clone());
            List<AttestationResult.Check> own = verifier.verify(evidence, nonce);
            checks.addAll(own);
            checks.add(devices.check(evidence, own));
        }
        return AttestationResult.of(checks);
    }

    private String denied(String why) {
        return "key from " + inner.description() + " withheld: " + why + " (policy: release only to GPUs whose attestation verified)";
    }

    @Override
    public String description() {
        return inner.description() + " (released only to GPUs with verified attestation)";
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
