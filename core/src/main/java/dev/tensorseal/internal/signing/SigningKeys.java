package dev.tensorseal.internal.signing;

import dev.tensorseal.UnsupportedParameterException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * ECDSA signing keys in the encodings model signing uses: PKCS#8 PEM for the private key, SubjectPublicKeyInfo
 * PEM (or an X.509 certificate) for the public one, plus a one-line text form ({@value #TEXT_PREFIX} and the
 * base64 of the SubjectPublicKeyInfo) for command lines. P-256 (SHA-256) is made; P-256 and P-384 (SHA-384) verify.
 */
public final class SigningKeys {
    /** The one-line public key prefix. */
    public static final String TEXT_PREFIX = "tseal-signer:";
    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private SigningKeys() {}

    /** A fresh P-256 key pair. */
    public static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a P-256 key", e);
        }
    }

    /** The private key as PKCS#8 PEM (what {@code openssl pkey} and model_signing read). Wipe it after writing. */
    public static byte[] privatePem(PrivateKey key) {
        byte[] der = key.getEncoded();
        try {
            return pem(PRIVATE_PEM, der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** The public key as SubjectPublicKeyInfo PEM, 64 base64 characters a line, as OpenSSL and pyca write it. */
    public static byte[] publicPem(PublicKey key) {
        return pem(PUBLIC_PEM, key.getEncoded());
    }

    /** The one-line text form of {@code key}. */
    public static String text(PublicKey key) {
        return TEXT_PREFIX + Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Reads a PKCS#8 PEM private key (unencrypted, EC P-256 or P-384). */
    public static PrivateKey readPrivate(byte[] pem, String where) {
        byte[] der = unpem(pem, PRIVATE_PEM, where);
        try {
            PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            curveBits(k, where);
            return k;
        } catch (InvalidKeySpecException e) {
            throw new UnsupportedParameterException(where + " is not an EC private key (PKCS#8)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC key factory", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** A public key from its one-line text, a SubjectPublicKeyInfo PEM or an X.509 certificate PEM (its key). */
    public static PublicKey readPublic(byte[] content, String where) {
        String s = new String(content, StandardCharsets.US_ASCII).strip();
        byte[] der;
        if (s.startsWith(TEXT_PREFIX)) {
            try {
                der = Base64.getDecoder().decode(s.substring(TEXT_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new UnsupportedParameterException(where + ": the text after " + TEXT_PREFIX + " is not base64");
            }
        } else if (s.contains("-----BEGIN CERTIFICATE-----")) {
            return certificateKey(content, where);
        } else if (s.contains("-----BEGIN " + PUBLIC_PEM + "-----")) {
            der = unpem(content, PUBLIC_PEM, where);
        } else {
            throw new UnsupportedParameterException(where + " is not a signer public key (" + TEXT_PREFIX
                    + "..., a PUBLIC KEY PEM or a CERTIFICATE PEM)");
        }
        try {
            PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            curveBits(k, where);
            return k;
        } catch (InvalidKeySpecException e) {
            throw new UnsupportedParameterException(where + " is not an EC public key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC key factory", e);
        }
    }

    private static PublicKey certificateKey(byte[] pem, String where) {
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem));
            curveBits(c.getPublicKey(), where);
            return c.getPublicKey();
        } catch (CertificateException e) {
            throw new UnsupportedParameterException(where + " is not a readable X.509 certificate: " + e.getMessage());
        }
    }

    /** The JCA signature algorithm for {@code key}'s curve, as model signing pairs them. */
    static String signatureAlgorithm(java.security.Key key, String where) {
        return curveBits(key, where) == 256 ? "SHA256withECDSA" : "SHA384withECDSA";
    }

    private static int curveBits(java.security.Key key, String where) {
        if (!(key instanceof ECKey ec)) {
            throw new UnsupportedParameterException(where + " is a " + key.getAlgorithm() + " key; signatures use ECDSA P-256 or P-384");
        }
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        if (bits != 256 && bits != 384) {
            throw new UnsupportedParameterException(where + " is on a " + bits + "-bit curve; signatures use ECDSA P-256 or P-384");
        }
        return bits;
    }

    private static byte[] pem(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] unpem(byte[] pem, String label, String where) {
        String s = new String(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = s.indexOf(begin);
        int e = s.indexOf(end);
        if (b < 0 || e < b) {
            throw new UnsupportedParameterException(where + " is not a " + label + " PEM file (no " + begin + " ... " + end + ")");
        }
        try {
            return Base64.getMimeDecoder().decode(s.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new UnsupportedParameterException(where + ": the PEM body is not base64");
        }
    }
}
