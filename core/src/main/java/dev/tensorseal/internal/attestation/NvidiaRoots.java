package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * NVIDIA's published root certificates, shipped as resources (copied from NVIDIA's nvtrust repository)
 * and pinned by the SHA-256 of their DER encoding, which SECURITY.md lists.
 */
public final class NvidiaRoots {
    static final String DEVICE_ROOT_SHA256 = "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48";
    static final String RIM_ROOT_SHA256 = "12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1";

    private NvidiaRoots() {}

    /** "NVIDIA Device Identity CA": the root of every GPU attestation certificate chain. */
    public static List<X509Certificate> deviceIdentity() {
        return List.of(load("nvidia-device-identity-root.pem", DEVICE_ROOT_SHA256));
    }

    /** "NVIDIA CoRIM signing Root CA": the root of the chains that sign driver and VBIOS RIMs. */
    public static List<X509Certificate> rimSigning() {
        return List.of(load("nvidia-rim-root.pem", RIM_ROOT_SHA256));
    }

    private static X509Certificate load(String resource, String sha256) {
        try (InputStream in = NvidiaRoots.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the shipped root certificate " + resource + " is missing from the jar");
            }
            X509Certificate cert = Pem.certificates(in.readAllBytes(), resource).get(0);
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
            if (!actual.equals(sha256)) {
                throw new IllegalStateException("the shipped root certificate " + resource + " has SHA-256 " + actual
                        + ", expected " + sha256);
            }
            return cert;
        } catch (IOException | NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot load the shipped root certificate " + resource + ": " + e.getMessage(), e);
        }
    }
}
