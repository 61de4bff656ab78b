package dev.tensorseal.internal.attestation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed GPU attestation report as NVML returns it: the SPDM 1.1 GET_MEASUREMENTS request (37 bytes)
 * followed by the signed MEASUREMENTS response (header, measurement record of DMTF blocks, responder
 * nonce, opaque data, 96-byte ECDSA P-384 signature). Parsing is strict: every length is checked against
 * what is left, the record must hold exactly the announced blocks, and no byte may follow the signature.
 * Nothing here is trusted until {@link ReportSignature} has checked {@link #signedBytes()}.
 */
final class AttestationReport {
    static final int SIGNATURE_BYTES = 96;
    static final int MEASUREMENTS = 0x60;
    /** NVML's buffer (NVML_CC_GPU_ATTESTATION_REPORT_SIZE): a longer report did not come from NVML. */
    static final int MAX_REPORT_BYTES = 0x2000;

    private final byte[] bytes;
    private final MeasurementRequest request;
    private final int responseParam1;
    private final int responseParam2;
    private final Map<Integer, MeasurementBlock> blocks;
    private final byte[] responderNonce;
    private final OpaqueData opaque;

    private AttestationReport(byte[] bytes, MeasurementRequest request, int responseParam1, int responseParam2,
                              Map<Integer, MeasurementBlock> blocks, byte[] responderNonce, OpaqueData opaque) {
        this.bytes = bytes;
        this.request = request;
        this.responseParam1 = responseParam1;
        this.responseParam2 = responseParam2;
        this.blocks = blocks;
        this.responderNonce = responderNonce;
        this.opaque = opaque;
    }

    static AttestationReport parse(byte[] report) {
        if (report.length > MAX_REPORT_BYTES) {
            throw new EvidenceFormatException("attestation report is " + report.length + " bytes, more than NVML's "
                    + MAX_REPORT_BYTES);
        }
        byte[] copy = report.clone();
        ByteReader in = new ByteReader(copy, "attestation report");
        MeasurementRequest request = MeasurementRequest.parse(in);
        int version = in.u8("response SPDMVersion");
        if (version != request.spdmVersion()) {
            throw new EvidenceFormatException(String.format("response SPDM version 0x%02x differs from the request's 0x%02x",
                    version, request.spdmVersion()));
        }
        int code = in.u8("response RequestResponseCode");
        if (code != MEASUREMENTS) {
            throw new EvidenceFormatException(String.format("response code is 0x%02x, expected 0x60 (MEASUREMENTS)", code));
        }
        int param1 = in.u8("response Param1");
        int param2 = in.u8("response Param2");
        int count = in.u8("response NumberOfBlocks");
        if (count == 0) {
            throw new EvidenceFormatException("the response has no measurement blocks");
        }
        int recordLength = in.u24("response MeasurementRecordLength");
        ByteReader record = new ByteReader(in.bytes("measurement record", recordLength), "measurement record");
        Map<Integer, MeasurementBlock> blocks = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            MeasurementBlock block = MeasurementBlock.parse(record);
            if (blocks.put(block.index(), block) != null) {
                throw new EvidenceFormatException("measurement block index " + block.index() + " appears twice");
            }
        }
        record.expectEnd();
        byte[] responderNonce = in.bytes("response Nonce", MeasurementRequest.NONCE_BYTES);
        int opaqueLength = in.u16("response OpaqueLength");
        OpaqueData opaque = OpaqueData.parse(in.bytes("response OpaqueData", opaqueLength));
        in.bytes("response Signature", SIGNATURE_BYTES);
        in.expectEnd();
        return new AttestationReport(copy, request, param1, param2, Collections.unmodifiableMap(blocks), responderNonce,
                opaque);
    }

    MeasurementRequest request() {
        return request;
    }

    int responseParam1() {
        return responseParam1;
    }

    int responseParam2() {
        return responseParam2;
    }

    /** The blocks by SPDM index (1-based), in index order. */
    Map<Integer, MeasurementBlock> blocks() {
        return blocks;
    }

    List<Integer> blockIndexes() {
        return List.copyOf(blocks.keySet());
    }

    byte[] responderNonce() {
        return responderNonce.clone();
    }

    OpaqueData opaque() {
        return opaque;
    }

    /** Request and response up to the signature: what the GPU signed. */
    byte[] signedBytes() {
        return Arrays.copyOf(bytes, bytes.length - SIGNATURE_BYTES);
    }

    /** The raw signature, r || s, 48 bytes each. */
    byte[] signature() {
        return Arrays.copyOfRange(bytes, bytes.length - SIGNATURE_BYTES, bytes.length);
    }

    int sizeBytes() {
        return bytes.length;
    }
}
