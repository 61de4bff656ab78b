package dev.tensorseal.internal.attestation;

import dev.tensorseal.AttestationResult.Check;
import dev.tensorseal.AttestationResult.Status;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The GPUs of one release must be as many devices: evidence from one GPU answered twice (a driver that
 * reports the same device under two ordinals) would otherwise count as two attested GPUs. Devices are told
 * apart by their leaf attestation key, which signs the report; the same key, whatever certificate carries it,
 * is the same device. The FWID is not used: GPUs running the same firmware share it.
 */
public final class DistinctDevices {
    private final Map<String, String> seen = new HashMap<>();

    /** The {@link EvidenceVerifier#DISTINCT_DEVICE} check for {@code evidence}, after its own checks. */
    public Check check(GpuEvidence evidence, List<Check> ownChecks) {
        CheckRun run = new CheckRun(evidence.subject());
        boolean verified = ownChecks.stream().noneMatch(c -> c.status() == Status.FAIL);
        if (!verified) {
            run.notChecked(EvidenceVerifier.DISTINCT_DEVICE, "not reached: its own evidence did not verify");
            return run.checks().get(0);
        }
        run.run(EvidenceVerifier.DISTINCT_DEVICE, () -> {
            X509Certificate leaf = Pem.certificates(evidence.certificateChain(), "GPU certificate chain").get(0);
            String key = sha256(leaf.getPublicKey().getEncoded());
            String earlier = seen.putIfAbsent(key, evidence.subject());
            if (earlier != null) {
                throw new CheckFailed("its attestation key (SHA-256 " + key + ") is " + earlier
                        + "'s: the same device answered twice");
            }
            return "attestation key SHA-256 " + key + " is no other GPU's in this release";
        });
        return run.checks().get(0);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
