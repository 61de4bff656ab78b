package dev.tensorseal.internal.attestation;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The opaque data of NVIDIA's MEASUREMENTS response: type-length-value fields (2-byte type, 2-byte length,
 * little endian) carrying the driver and VBIOS versions, chip/project/SKU ids, the FWID and more. Unknown
 * types are kept as raw bytes; a field given twice is rejected, since the two copies could disagree.
 */
final class OpaqueData {
    static final int DRIVER_VERSION = 3;
    static final int GPU_INFO = 4;
    static final int SKU = 5;
    static final int VBIOS_VERSION = 6;
    static final int NVDEC0_STATUS = 11;
    static final int MSRSCNT = 12;
    static final int CHIP_SKU = 15;
    static final int PROJECT = 17;
    static final int PROJECT_SKU = 18;
    static final int FWID = 20;
    static final int OPAQUE_DATA_VERSION = 34;
    static final int CHIP_INFO = 35;
    static final int FEATURE_FLAG = 36;
    /** NVDEC0 status byte meaning the decoder is disabled (measurement 35 is then not meaningful). */
    static final int NVDEC0_DISABLED = 0x55;

    private static final int VBIOS_VERSION_BYTES = 8;

    private final Map<Integer, byte[]> fields;

    private OpaqueData(Map<Integer, byte[]> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    static OpaqueData parse(byte[] data) {
        ByteReader in = new ByteReader(data, "opaque data");
        Map<Integer, byte[]> fields = new LinkedHashMap<>();
        while (in.remaining() > 0) {
            int type = in.u16("opaque field type");
            int size = in.u16("opaque field " + type + " length");
            byte[] value = in.bytes("opaque field " + type + " value", size);
            if (fields.put(type, value) != null) {
                throw new EvidenceFormatException("opaque data: field " + type + " appears twice");
            }
        }
        OpaqueData parsed = new OpaqueData(fields);
        parsed.vbiosVersion(); // a present but malformed version is a format error, not a later surprise
        return parsed;
    }

    Optional<byte[]> raw(int type) {
        return Optional.ofNullable(fields.get(type)).map(byte[]::clone);
    }

    Map<Integer, Integer> fieldSizes() {
        Map<Integer, Integer> sizes = new LinkedHashMap<>();
        fields.forEach((k, v) -> sizes.put(k, v.length));
        return sizes;
    }

    /** The driver version string, e.g. {@code 550.90.07}. */
    Optional<String> driverVersion() {
        return text(DRIVER_VERSION);
    }

    /**
     * The VBIOS version as NVIDIA prints it ({@code 96.00.9f.00.01}): bytes 3, 2, 1, 0 of the little-endian
     * field, then byte 4.
     */
    Optional<String> vbiosVersion() {
        byte[] v = fields.get(VBIOS_VERSION);
        if (v == null) {
            return Optional.empty();
        }
        if (v.length != VBIOS_VERSION_BYTES) {
            throw new EvidenceFormatException("opaque data: VBIOS version is " + v.length + " bytes, expected 8");
        }
        return Optional.of(String.format("%02x.%02x.%02x.%02x.%02x", v[3], v[2], v[1], v[0], v[4]));
    }

    Optional<byte[]> fwid() {
        return raw(FWID);
    }

    Optional<String> project() {
        return text(PROJECT);
    }

    Optional<String> projectSku() {
        return text(PROJECT_SKU);
    }

    Optional<String> chipSku() {
        return text(CHIP_SKU);
    }

    /** The chip name (Blackwell and later); Hopper reports do not carry it. */
    Optional<String> chipInfo() {
        return text(CHIP_INFO);
    }

    boolean nvdec0Disabled() {
        byte[] v = fields.get(NVDEC0_STATUS);
        return v != null && v.length == 1 && (v[0] & 0xff) == NVDEC0_DISABLED;
    }

    /** A NUL-padded ASCII field, padding and surrounding blanks removed. */
    private Optional<String> text(int type) {
        byte[] v = fields.get(type);
        if (v == null) {
            return Optional.empty();
        }
        int end = 0;
        while (end < v.length && v[end] != 0) {
            end++;
        }
        for (int i = 0; i < end; i++) {
            if (v[i] < 0x20 || v[i] > 0x7e) {
                throw new EvidenceFormatException("opaque data: field " + type + " is not printable ASCII");
            }
        }
        return Optional.of(new String(v, 0, end, StandardCharsets.US_ASCII).strip());
    }
}
