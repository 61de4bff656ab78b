package dev.tensorseal.internal.attestation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RIMs fetched from a {@link RimSource}, verified (signature and chain), and cached by service id so a
 * re-check at the next key release does not fetch or re-verify the XML signature again. A cached RIM's
 * chain is re-checked at each use, so a certificate that expires later is still caught.
 */
final class VerifiedRims {
    /** A verified RIM and what verifying it found. */
    record Verified(Rim rim, List<X509Certificate> chainWithRoot, String reason) {}

    private final RimSource source;
    private final ConcurrentHashMap<String, Rim> cache = new ConcurrentHashMap<>();

    VerifiedRims(RimSource source) {
        this.source = source;
    }

    Verified get(RimId id, List<X509Certificate> roots, Instant at) {
        Rim cached = cache.get(id.serviceId());
        if (cached != null) {
            ChainVerifier.Verified chain = ChainVerifier.verify(cached.chain(), roots, at);
            return new Verified(cached, chain.withRoot(), "cached " + id + " (version " + cached.version() + "); chain: "
                    + chain.reason());
        }
        Rim rim = Rim.parse(source.fetch(id), id.toString());
        if (!id.matches(rim)) {
            throw new CheckFailed(id + " from " + source.description() + " is for version " + rim.version() + ", not "
                    + id.version());
        }
        ChainVerifier.Verified verified = RimVerifier.verify(rim, roots, at);
        cache.put(id.serviceId(), rim);
        return new Verified(rim, verified.withRoot(), id + " version " + rim.version() + " from " + source.description()
                + ": " + verified.reason());
    }

    int cachedCount() {
        return cache.size();
    }
}
