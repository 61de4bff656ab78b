package dev.tensorseal.vectors;

/** The published vector file formats this module reads. */
public enum VectorFormat {
    /** NIST CAVP GCM response file ({@code gcmEncryptExtIV*.rsp}, {@code gcmDecrypt*.rsp}). */
    NIST_GCM_RSP,
    /** NIST CAVP SP 800-38F key wrap file ({@code KW_AE_256.txt}, {@code KWP_AD_128_inv.txt}, ...). */
    NIST_KW_TXT,
    /** RFC 5869 HKDF test cases as text ({@code rfc-5869-HKDF-SHA256.txt}). */
    RFC5869_TXT,
    /** Wycheproof JSON ({@code aead_test_schema_v1}, {@code hkdf_test_schema_v1}). */
    WYCHEPROOF_JSON;

    /**
     * Tells the format from the content (and, for key wrap, NIST's file naming, which is where the
     * algorithm and direction are stated).
     *
     * @throws MalformedVectorsException when the content matches none of the formats
     */
    public static VectorFormat detect(String fileName, String content) throws MalformedVectorsException {
        String head = content.stripLeading();
        if (head.startsWith("{")) {
            return WYCHEPROOF_JSON;
        }
        if (content.contains("[Taglen") && content.contains("[Keylen")) {
            return NIST_GCM_RSP;
        }
        if (content.contains("[PLAINTEXT LENGTH") || (NistKeyWrapTxt.isKeyWrapName(fileName) && content.contains("K = "))) {
            return NIST_KW_TXT;
        }
        if (content.contains("IKM") && content.contains("OKM")) {
            return RFC5869_TXT;
        }
        throw new MalformedVectorsException(fileName
                + ": cannot tell the format (expected a NIST GCM .rsp, a NIST key wrap .txt, RFC 5869 text or Wycheproof JSON)");
    }
}
