package dev.tensorseal.internal.attestation;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificate chains as NVML and NVIDIA's tools write them (NUL padding allowed, nothing else between blocks). */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*?)-----END CERTIFICATE-----");
    /** Far above a 5-certificate chain; bounds the work done on a hostile input. */
    static final int MAX_CERTIFICATES = 16;

    private Pem() {}

    static List<X509Certificate> certificates(byte[] pem, String what) {
        String text = new String(pem, StandardCharsets.US_ASCII).replace("\0", "");
        Matcher m = BLOCK.matcher(text);
        List<X509Certificate> certs = new ArrayList<>();
        int end = 0;
        while (m.find()) {
            if (!text.substring(end, m.start()).isBlank()) {
                throw new EvidenceFormatException(what + ": unexpected text before certificate " + (certs.size() + 1));
            }
            if (certs.size() == MAX_CERTIFICATES) {
                throw new EvidenceFormatException(what + ": more than " + MAX_CERTIFICATES + " certificates");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new EvidenceFormatException(what + ": certificate " + (certs.size() + 1) + " is not valid base64");
            }
            certs.add(certificate(der, what + " certificate " + (certs.size() + 1)));
            end = m.end();
        }
        if (!text.substring(end).isBlank()) {
            throw new EvidenceFormatException(what + ": unexpected text after certificate " + certs.size());
        }
        if (certs.isEmpty()) {
            throw new EvidenceFormatException(what + ": no PEM certificate found");
        }
        return certs;
    }

    static X509Certificate certificate(byte[] der, String what) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | IllegalArgumentException | ClassCastException e) {
            throw new EvidenceFormatException(what + " is not a valid X.509 certificate: " + e.getMessage(), e);
        }
    }
}
