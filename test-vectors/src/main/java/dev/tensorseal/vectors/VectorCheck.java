package dev.tensorseal.vectors;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Runs cases against an implementation and judges them. A valid case passes when every operation
 * gives the stated output (GCM and key wrap: in both directions where the case allows); an
 * invalid one passes when it is rejected; any case is skipped when the implementation rejects its
 * parameters as unsupported ({@link UnsupportedCaseException}). Any other exception fails the case.
 */
public final class VectorCheck {
    private VectorCheck() {}

    public static Tally gcm(List<GcmCase> cases, GcmUnderTest engine) {
        Tally t = new Tally();
        for (GcmCase c : cases) {
            t.add(gcm(c, engine));
        }
        return t;
    }

    public static Tally keyWrap(List<KeyWrapCase> cases, KeyWrapUnderTest impl) {
        Tally t = new Tally();
        for (KeyWrapCase c : cases) {
            t.add(keyWrap(c, impl));
        }
        return t;
    }

    public static Tally hkdf(List<HkdfCase> cases, HkdfUnderTest impl) {
        Tally t = new Tally();
        for (HkdfCase c : cases) {
            t.add(hkdf(c, impl));
        }
        return t;
    }

    public static Outcome gcm(GcmCase c, GcmUnderTest engine) {
        try {
            switch (c.expected()) {
                case VALID -> {
                    byte[] sealed = engine.seal(c);
                    if (!Arrays.equals(sealed, c.ciphertextAndTag())) {
                        return Outcome.failed(c.id(), "seal gave a different ciphertext or tag");
                    }
                    Optional<byte[]> opened = engine.open(c);
                    if (opened.isEmpty()) {
                        return Outcome.failed(c.id(), "open rejected a valid ciphertext");
                    }
                    if (!Arrays.equals(opened.get(), c.plaintext())) {
                        return Outcome.failed(c.id(), "open gave a different plaintext");
                    }
                    return Outcome.passed(c.id());
                }
                case ACCEPTABLE -> {
                    Optional<byte[]> opened = engine.open(c);
                    if (opened.isPresent() && !Arrays.equals(opened.get(), c.plaintext())) {
                        return Outcome.failed(c.id(), "open accepted an acceptable case but gave a different plaintext");
                    }
                    return Outcome.passed(c.id());
                }
                case INVALID -> {
                    return engine.open(c).isPresent()
                            ? Outcome.failed(c.id(), "open accepted a ciphertext that must be rejected")
                            : Outcome.passed(c.id());
                }
            }
            throw new AssertionError(c.expected());
        } catch (UnsupportedCaseException e) {
            return Outcome.skipped(c.id(), engine.name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return Outcome.failed(c.id(), "threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public static Outcome keyWrap(KeyWrapCase c, KeyWrapUnderTest impl) {
        try {
            if (c.expected() == Expected.INVALID) {
                return impl.unwrap(c).isPresent()
                        ? Outcome.failed(c.id(), "unwrap accepted a ciphertext that must be rejected")
                        : Outcome.passed(c.id());
            }
            if (c.wrapDirection() && !Arrays.equals(impl.wrap(c), c.ciphertext())) {
                return Outcome.failed(c.id(), "wrap gave a different ciphertext");
            }
            Optional<byte[]> p = impl.unwrap(c);
            if (p.isEmpty()) {
                return Outcome.failed(c.id(), "unwrap rejected a valid ciphertext");
            }
            return Arrays.equals(p.get(), c.plaintext()) ? Outcome.passed(c.id()) : Outcome.failed(c.id(), "unwrap gave a different plaintext");
        } catch (UnsupportedCaseException e) {
            return Outcome.skipped(c.id(), e.getMessage());
        } catch (RuntimeException e) {
            return Outcome.failed(c.id(), "threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public static Outcome hkdf(HkdfCase c, HkdfUnderTest impl) {
        try {
            Optional<byte[]> okm = impl.derive(c);
            if (c.expected() == Expected.INVALID) {
                return okm.isPresent() ? Outcome.failed(c.id(), "derived output for a request that must be rejected") : Outcome.passed(c.id());
            }
            if (okm.isEmpty()) {
                return c.expected() == Expected.ACCEPTABLE ? Outcome.passed(c.id()) : Outcome.failed(c.id(), "rejected a valid request");
            }
            return Arrays.equals(okm.get(), c.okm()) ? Outcome.passed(c.id()) : Outcome.failed(c.id(), "gave different output key material");
        } catch (UnsupportedCaseException e) {
            return Outcome.skipped(c.id(), e.getMessage());
        } catch (RuntimeException e) {
            return Outcome.failed(c.id(), "threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
