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
    WYCHEPROOF_JSON
}
