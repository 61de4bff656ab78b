package dev.tensorseal.vectors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The small sets transcribed by hand from the published documents and bundled in this module, so
 * real vectors run even where the large sets are not installed. Each file names its document and
 * section beside every case.
 */
public enum Transcribed {
    /** McGrew–Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, Test Cases 1-18. */
    GCM_SPEC("gcm-spec-mcgrew-viega.rsp"),
    /** RFC 5869 Appendix A.1-A.3 (HKDF-SHA256). */
    RFC5869_SHA256("rfc-5869-appendix-a-sha256.txt"),
    /** RFC 3394 section 4.1-4.6 (AES key wrap). */
    RFC3394("KW_AE_rfc3394-section4.txt"),
    /** Wycheproof-format AES-GCM file made from the GCM specification's cases (not Wycheproof's own). */
    WYCHEPROOF_FORMAT_AES_GCM("wycheproof-format-aes-gcm-transcribed.json"),
    /** Wycheproof-format HKDF-SHA256 file made from RFC 5869 A.1-A.3 (not Wycheproof's own). */
    WYCHEPROOF_FORMAT_HKDF("wycheproof-format-hkdf-sha256-transcribed.json");

    private final String fileName;

    Transcribed(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }

    /** The file's text. */
    public String content() {
        try (InputStream in = Transcribed.class.getResourceAsStream("transcribed/" + fileName)) {
            if (in == null) {
                throw new IllegalStateException("bundled vector file " + fileName + " is missing from the tensorseal-test-vectors jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parsed file. A parse error here is a bug in this module, hence unchecked. */
    public VectorFile load() {
        try {
            return VectorFile.parse(fileName, content());
        } catch (MalformedVectorsException e) {
            throw new IllegalStateException("bundled vector file does not parse: " + e.getMessage(), e);
        }
    }
}
