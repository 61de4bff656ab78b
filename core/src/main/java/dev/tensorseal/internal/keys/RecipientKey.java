package dev.tensorseal.internal.keys;

import dev.tensorseal.UnsupportedParameterException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A recipient's public key and its suite, printed as one line ({@code tseal1-x25519-<base64url>}, like age's
 * {@code age1...}): what {@code keygen --recipient-key} prints and {@code --recipient} takes. Public: not a secret.
 */
public final class RecipientKey {
    static final String PREFIX = "tseal1-";
    private final HpkeSuite suite;
    private final byte[] publicKey;

    /** Checks that {@code publicKey} is a valid key of {@code suite}. */
    public RecipientKey(HpkeSuite suite, byte[] publicKey) {
        Hpke.checkPublicKey(suite, publicKey);
        this.suite = suite;
        this.publicKey = publicKey.clone();
    }

    /** Parses the one-line text form; surrounding whitespace is ignored. */
    public static RecipientKey parse(String text) {
        String t = text.strip();
        int dash = t.indexOf('-', PREFIX.length());
        if (!t.startsWith(PREFIX) || dash < 0) {
            // Text without the prefix is not echoed: a key file's hex or a passphrase given here by mistake is a secret.
            throw new UnsupportedParameterException("not a recipient public key: expected " + PREFIX
                    + "SUITE-BASE64URL (as tensorseal keygen --recipient-key prints), got "
                    + (t.startsWith(PREFIX) ? preview(t) : t.length() + " characters that do not start with " + PREFIX));
        }
        HpkeSuite suite = HpkeSuite.named(t.substring(PREFIX.length(), dash));
        byte[] key;
        try {
            key = Base64.getUrlDecoder().decode(t.substring(dash + 1));
        } catch (IllegalArgumentException e) {
            throw new UnsupportedParameterException("recipient public key " + preview(t) + " is not valid base64url");
        }
        return new RecipientKey(suite, key);
    }

    private static String preview(String t) {
        return "'" + (t.length() > 24 ? t.substring(0, 24) + "..." : t).replaceAll("\\p{Cntrl}", "?") + "'";
    }

    public HpkeSuite suite() {
        return suite;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The one-line text form. */
    public String text() {
        return PREFIX + suite.name() + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
    }

    boolean sameKey(HpkeSuite otherSuite, byte[] otherKey) {
        return suite.equals(otherSuite) && Arrays.equals(publicKey, otherKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecipientKey r && r.sameKey(suite, publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return text();
    }
}
