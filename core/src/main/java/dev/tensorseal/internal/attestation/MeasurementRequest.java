package dev.tensorseal.internal.attestation;

/**
 * The SPDM 1.1 GET_MEASUREMENTS request at the start of a GPU attestation report (37 bytes): the nonce is
 * the requester's, so it binds the report to one verification.
 */
record MeasurementRequest(int spdmVersion, int param1, int param2, byte[] nonce, int slotId) {
    static final int SIZE_BYTES = 37;
    static final int NONCE_BYTES = 32;
    static final int SPDM_1_1 = 0x11;
    static final int GET_MEASUREMENTS = 0xE0;
    /** Param1 bit 0: the responder must sign the response. */
    static final int SIGNATURE_REQUESTED = 0x01;

    static MeasurementRequest parse(ByteReader in) {
        int version = in.u8("request SPDMVersion");
        if (version != SPDM_1_1) {
            throw new EvidenceFormatException(String.format("request SPDM version is 0x%02x, expected 0x11 (SPDM 1.1)", version));
        }
        int code = in.u8("request RequestResponseCode");
        if (code != GET_MEASUREMENTS) {
            throw new EvidenceFormatException(String.format("request code is 0x%02x, expected 0xe0 (GET_MEASUREMENTS)", code));
        }
        int param1 = in.u8("request Param1");
        if ((param1 & SIGNATURE_REQUESTED) == 0) {
            throw new EvidenceFormatException(String.format("request Param1 is 0x%02x: no signature was requested", param1));
        }
        int param2 = in.u8("request Param2");
        byte[] nonce = in.bytes("request Nonce", NONCE_BYTES);
        int slot = in.u8("request SlotIDParam");
        return new MeasurementRequest(version, param1, param2, nonce, slot);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }
}
