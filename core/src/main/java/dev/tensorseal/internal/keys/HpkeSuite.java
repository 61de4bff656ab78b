package dev.tensorseal.internal.keys;

import dev.tensorseal.UnsupportedParameterException;
import java.util.List;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * An HPKE cipher suite (RFC 9180 section 7): KEM, KDF and AEAD by their registry ids. Recipients use the three named
 * suites, all with AES-256-GCM; {@link #of} also builds the RFC's test-vector suites (AES-128-GCM, P-521), so the
 * vectors run through the same code. Anything else (ChaCha20-Poly1305, export-only, X448, post-quantum KEMs) is
 * refused, not silently mapped.
 *
 * @param name             the short name in a recipient's text ({@code x25519}, {@code p256}, {@code p384})
 * @param privateKeyBytes  Nsk, the serialized private key's length
 * @param publicKeyBytes   Npk (= Nenc for these DH-based KEMs)
 */
public record HpkeSuite(String name, short kemId, short kdfId, short aeadId, int privateKeyBytes, int publicKeyBytes) {
    /** DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM: the default. */
    public static final HpkeSuite X25519 = new HpkeSuite("x25519", HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256,
            HPKE.aead_AES_GCM256, 32, 32);
    /** DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. */
    public static final HpkeSuite P256 = new HpkeSuite("p256", HPKE.kem_P256_SHA256, HPKE.kdf_HKDF_SHA256,
            HPKE.aead_AES_GCM256, 32, 65);
    /** DHKEM(P-384, HKDF-SHA384), HKDF-SHA384, AES-256-GCM. */
    public static final HpkeSuite P384 = new HpkeSuite("p384", HPKE.kem_P384_SHA384, HPKE.kdf_HKDF_SHA384,
            HPKE.aead_AES_GCM256, 48, 97);
    /** The suites a recipient may use. */
    public static final List<HpkeSuite> RECIPIENT_SUITES = List.of(X25519, P256, P384);

    /** The recipient suite called {@code name}. */
    public static HpkeSuite named(String name) {
        for (HpkeSuite s : RECIPIENT_SUITES) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        throw new UnsupportedParameterException("unknown recipient suite '" + name + "': expected x25519, p256 or p384");
    }

    /** The recipient suite with these ids (as a stanza records them). */
    public static HpkeSuite recipientSuite(int kemId, int kdfId, int aeadId) {
        for (HpkeSuite s : RECIPIENT_SUITES) {
            if (s.kemId == kemId && s.kdfId == kdfId && s.aeadId == aeadId) {
                return s;
            }
        }
        throw new UnsupportedParameterException("HPKE suite (KEM " + kemId + ", KDF " + kdfId + ", AEAD " + aeadId
                + ") is not a recipient suite (x25519, p256, p384 with AES-256-GCM)");
    }

    /**
     * Any suite this build implements: a DHKEM over X25519, P-256, P-384 or P-521 with its own HKDF, any of the
     * three HKDFs, and AES-128-GCM or AES-256-GCM.
     */
    public static HpkeSuite of(int kemId, int kdfId, int aeadId) {
        int[] sizes = switch (kemId) {
            case 0x0020 -> new int[] {32, 32};
            case 0x0010 -> new int[] {32, 65};
            case 0x0011 -> new int[] {48, 97};
            case 0x0012 -> new int[] {66, 133};
            default -> throw new UnsupportedParameterException("HPKE KEM " + kemId + " is not supported (32, 16, 17, 18)");
        };
        if (kdfId < 1 || kdfId > 3) {
            throw new UnsupportedParameterException("HPKE KDF " + kdfId + " is not supported (1, 2, 3: HKDF-SHA256/384/512)");
        }
        if (aeadId != 1 && aeadId != 2) {
            throw new UnsupportedParameterException("HPKE AEAD " + aeadId + " is not supported (1, 2: AES-128/256-GCM)");
        }
        return new HpkeSuite("kem" + kemId + "-kdf" + kdfId + "-aead" + aeadId, (short) kemId, (short) kdfId,
                (short) aeadId, sizes[0], sizes[1]);
    }

    HPKE hpke() {
        return new HPKE(HPKE.mode_base, kemId, kdfId, aeadId);
    }
}
