package dev.tensorseal.internal.attestation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds GPU attestation reports byte for byte in the SPDM 1.1 layout NVIDIA's GPUs use (GET_MEASUREMENTS
 * request, MEASUREMENTS response with DMTF blocks, responder nonce, opaque TLVs, raw ECDSA P-384 signature),
 * recording where each region starts so tests can flip a byte in it.
 */
final class ReportBuilder {
    /** Byte offsets of one report's regions. */
    record Layout(int requestNonce, int responseHeader, int record, int responderNonce, int opaque, int signature,
                  int length) {}

    byte[] nonce = new byte[32];
    byte[] responderNonce = new byte[32];
    final Map<Integer, byte[]> measurements = new TreeMap<>();
    final Map<Integer, byte[]> opaque = new LinkedHashMap<>();
    Layout layout;

    ReportBuilder(byte[] nonce) {
        this.nonce = nonce.clone();
        Arrays.fill(responderNonce, (byte) 0x5a);
        for (int i = 1; i <= 8; i++) {
            measurements.put(i, digest(i));
        }
        text(OpaqueData.DRIVER_VERSION, "550.90.07");
        opaque.put(OpaqueData.VBIOS_VERSION, new byte[] {0x00, (byte) 0x9f, 0x00, (byte) 0x96, 0x01, 0, 0, 0});
        text(OpaqueData.CHIP_SKU, "882");
        text(OpaqueData.PROJECT, "1010");
        text(OpaqueData.PROJECT_SKU, "0200");
        opaque.put(OpaqueData.NVDEC0_STATUS, new byte[] {(byte) 0xaa});
    }

    /** The measurement value the builder uses for block {@code index} unless told otherwise. */
    static byte[] digest(int index) {
        byte[] d = new byte[48];
        Arrays.fill(d, (byte) (0x10 + index));
        return d;
    }

    ReportBuilder text(int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        opaque.put(type, Arrays.copyOf(b, b.length + 1)); // NUL-terminated, as NVIDIA's are
        return this;
    }

    ReportBuilder fwid(byte[] fwid) {
        opaque.put(OpaqueData.FWID, fwid.clone());
        return this;
    }

    /** The unsigned bytes (request and response up to the signature). */
    byte[] unsigned() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x11, (byte) 0xe0, 0x01, (byte) 0xff});
        int requestNonce = out.size();
        out.writeBytes(nonce);
        out.write(0);
        int header = out.size();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        for (Map.Entry<Integer, byte[]> m : measurements.entrySet()) {
            byte[] v = m.getValue();
            record.write(m.getKey());
            record.write(0x01);
            le16(record, v.length + 3);
            record.write(0x01); // DMTFSpecMeasurementValueType: immutable ROM / digest
            le16(record, v.length);
            record.writeBytes(v);
        }
        out.writeBytes(new byte[] {0x11, 0x60, 0x00, 0x00});
        out.write(measurements.size());
        int len = record.size();
        out.write(len & 0xff);
        out.write(len >> 8 & 0xff);
        out.write(len >> 16 & 0xff);
        int recordAt = out.size();
        out.writeBytes(record.toByteArray());
        int responderNonceAt = out.size();
        out.writeBytes(responderNonce);
        ByteArrayOutputStream tlv = new ByteArrayOutputStream();
        for (Map.Entry<Integer, byte[]> f : opaque.entrySet()) {
            le16(tlv, f.getKey());
            le16(tlv, f.getValue().length);
            tlv.writeBytes(f.getValue());
        }
        le16(out, tlv.size());
        int opaqueAt = out.size();
        out.writeBytes(tlv.toByteArray());
        int signatureAt = out.size();
        layout = new Layout(requestNonce, header, recordAt, responderNonceAt, opaqueAt, signatureAt, signatureAt + 96);
        return out.toByteArray();
    }

    /** The layout of the report this builder makes, without signing it. */
    Layout unsignedLayout() {
        unsigned();
        return layout;
    }

    byte[] signedWith(PrivateKey key) {
        byte[] body = unsigned();
        try {
            Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
            s.initSign(key);
            s.update(body);
            byte[] sig = s.sign();
            byte[] out = Arrays.copyOf(body, body.length + sig.length);
            System.arraycopy(sig, 0, out, body.length, sig.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void le16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write(v >> 8 & 0xff);
    }
}
