package dev.tensorseal.cli;

import dev.tensorseal.AttestationPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads what {@code tensorseal attest} is given: repeatable options, reports as hex text or raw bytes,
 * nonces, root certificates and {@code --at}. A mistake is a {@link UsageException} (exit 2).
 */
final class AttestInputs {
    /** Largest evidence file read: far above NVML's 8 KiB report and 5 KiB chain buffers. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    private AttestInputs() {}

    /** Removes every {@code --name VALUE} / {@code --name=VALUE} from {@code args}; returns the values in order. */
    static List<String> takeAll(List<String> args, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size(); ) {
            String a = args.get(i);
            if (a.equals(name)) {
                if (i + 1 >= args.size() || args.get(i + 1).isEmpty()) {
                    throw new UsageException(name + " needs a value");
                }
                values.add(args.get(i + 1));
                args.subList(i, i + 2).clear();
            } else if (a.startsWith(name + "=")) {
                values.add(a.substring(name.length() + 1));
                args.remove(i);
            } else {
                i++;
            }
        }
        return values;
    }

    static byte[] read(String file, String what) throws IOException {
        Path p = Paths.input(file);
        if (Files.size(p) > MAX_FILE_BYTES) {
            throw new UsageException(what + " " + p + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readAllBytes(p);
    }

    /** A report file: hex text (as nvtrust's samples and {@code attest collect} write it) or the raw bytes. */
    static byte[] report(String file) throws IOException {
        byte[] raw = read(file, "report");
        String text = new String(raw, StandardCharsets.US_ASCII).strip();
        if (!text.isEmpty() && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            if (text.length() % 2 != 0) {
                throw new UsageException("report " + file + " is hex text of odd length " + text.length());
            }
            return HexFormat.of().parseHex(text);
        }
        return raw;
    }

    static byte[] nonce(String hex) {
        String h = hex.strip();
        if (h.length() != 64 || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new UsageException("--nonce must be 64 hex digits (32 bytes), got " + h.length() + " characters");
        }
        return HexFormat.of().parseHex(h);
    }

    static Instant at(String iso) {
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            throw new UsageException("--at must be an ISO-8601 instant such as 2025-01-31T12:00:00Z, got '" + iso + "'");
        }
    }

    static List<X509Certificate> roots(List<String> files) throws IOException {
        List<X509Certificate> roots = new ArrayList<>();
        for (String f : files) {
            try {
                for (var c : CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(read(f, "root certificate")))) {
                    roots.add((X509Certificate) c);
                }
            } catch (CertificateException e) {
                throw new UsageException("--root " + f + " is not a PEM or DER certificate: " + e.getMessage());
            }
        }
        if (!files.isEmpty() && roots.isEmpty()) {
            throw new UsageException("--root files hold no certificate");
        }
        return roots;
    }

    /** Applies {@code --at}, {@code --ocsp-url} and {@code --ocsp-response}; revocation is not checked without them. */
    static void common(Args a, List<String> ocspResponses, AttestationPolicy.Builder policy) throws IOException {
        a.value("--at").map(AttestInputs::at).ifPresent(policy::at);
        if (a.value("--ocsp-url").isPresent()) {
            try {
                policy.ocspResponder(java.net.URI.create(a.value("--ocsp-url").get()));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--ocsp-url: " + e.getMessage());
            }
        } else if (!ocspResponses.isEmpty()) {
            List<byte[]> responses = new ArrayList<>();
            for (String f : ocspResponses) {
                responses.add(read(f, "OCSP response"));
            }
            policy.ocspResponses(responses);
        } else {
            policy.revocationNotChecked();
        }
    }
}
