package dev.tensorseal.internal.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AttestationReportTest {
    private final AttestationFixture fx = new AttestationFixture();

    private byte[] report(Consumer<ReportBuilder> change) {
        ReportBuilder b = fx.report();
        change.accept(b);
        return fx.signed(b);
    }

    private static String rejected(byte[] bytes) {
        return assertThrows(EvidenceFormatException.class, () -> AttestationReport.parse(bytes)).getMessage();
    }

    @Test
    void parsesEveryFieldOfAReportBuiltInTheSpdmLayout() {
        ReportBuilder b = fx.report();
        byte[] bytes = fx.signed(b);
        AttestationReport r = AttestationReport.parse(bytes);
        assertArrayEquals(fx.nonce, r.request().nonce());
        assertEquals(0xff, r.request().param2());
        assertArrayEquals(b.responderNonce, r.responderNonce());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), r.blockIndexes());
        assertArrayEquals(ReportBuilder.digest(3), r.blocks().get(3).value());
        assertEquals("550.90.07", r.opaque().driverVersion().orElseThrow());
        assertEquals("96.00.9f.00.01", r.opaque().vbiosVersion().orElseThrow());
        assertEquals("1010", r.opaque().project().orElseThrow());
        assertEquals("0200", r.opaque().projectSku().orElseThrow());
        assertEquals("882", r.opaque().chipSku().orElseThrow());
        assertArrayEquals(AttestationFixture.FWID, r.opaque().fwid().orElseThrow());
        assertFalse(r.opaque().nvdec0Disabled());
        assertArrayEquals(Arrays.copyOf(bytes, bytes.length - 96), r.signedBytes());
        assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 96, bytes.length), r.signature());
        assertEquals(b.layout.length(), bytes.length);
    }

    @Test
    void everyTruncationIsAClearFormatError() {
        byte[] bytes = report(b -> {});
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            String message = rejected(prefix);
            assertFalse(message.isBlank(), "prefix " + n);
        }
    }

    @Test
    void aTrailingByteAfterTheSignatureIsRejected() {
        byte[] bytes = report(b -> {});
        assertTrue(rejected(Arrays.copyOf(bytes, bytes.length + 1)).contains("trailing"));
    }

    @Test
    void headerFieldsAreChecked() {
        byte[] good = report(b -> {});
        assertTrue(rejected(with(good, 0, 0x10)).contains("SPDM version"));
        assertTrue(rejected(with(good, 1, 0x81)).contains("expected 0xe0"));
        assertTrue(rejected(with(good, 2, 0x00)).contains("no signature was requested"));
        int response = fx.report().unsignedLayout().responseHeader();
        assertTrue(rejected(with(good, response, 0x12)).contains("differs from the request"));
        assertTrue(rejected(with(good, response + 1, 0x61)).contains("expected 0x60"));
        assertTrue(rejected(with(good, response + 4, 0)).contains("no measurement blocks"));
        assertTrue(rejected(with(good, response + 4, 9)).contains("measurement block"));
    }

    @Test
    void measurementBlocksAreChecked() {
        ReportBuilder b = fx.report();
        byte[] good = fx.signed(b);
        int first = b.layout.record();
        assertTrue(rejected(with(good, first, 0)).contains("reserved"));
        assertTrue(rejected(with(good, first + 1, 2)).contains("expected 0x01 (DMTF)"));
        assertTrue(rejected(with(good, first + 2, 52)).contains("measurement"));
        assertTrue(rejected(with(good, first + 5, 47)).contains("trailing"), "value size shorter than the block");
        assertTrue(rejected(with(good, first + 4 + 51, 1)).contains("appears twice"), "second block given index 1");
    }

    @Test
    void opaqueFieldsAreChecked() {
        assertTrue(rejected(report(b -> b.opaque.put(OpaqueData.VBIOS_VERSION, new byte[7]))).contains("VBIOS version is 7"));
        ReportBuilder b = fx.report();
        byte[] good = fx.signed(b);
        int opaque = b.layout.opaque();
        // make the second field's type equal the first's (driver version): a duplicate
        byte[] dup = with(good, opaque + 4 + 10, OpaqueData.DRIVER_VERSION);
        assertTrue(rejected(dup).contains("appears twice"));
        // an opaque field whose length runs past the opaque data
        assertTrue(rejected(with(good, opaque + 3, 0x7f)).contains("opaque"));
    }

    @Test
    void nonPrintableTextIsRejectedWhenRead() {
        AttestationReport r = AttestationReport.parse(report(b -> b.opaque.put(OpaqueData.PROJECT, new byte[] {'1', 0x07, 0})));
        assertTrue(assertThrows(EvidenceFormatException.class, () -> r.opaque().project()).getMessage()
                .contains("printable"));
    }

    @Test
    void aReportLongerThanNvmlsBufferIsRejected() {
        assertTrue(rejected(new byte[AttestationReport.MAX_REPORT_BYTES + 1]).contains("more than NVML"));
    }

    @Test
    void randomCorruptionNeverThrowsAnythingButAFormatError() {
        byte[] good = report(b -> {});
        Random random = new Random(14);
        for (int i = 0; i < 3000; i++) {
            byte[] bad = good.clone();
            for (int k = 0; k <= i % 3; k++) {
                bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
            }
            try {
                AttestationReport r = AttestationReport.parse(bad);
                r.opaque().driverVersion();
                r.opaque().project();
            } catch (EvidenceFormatException expected) {
                assertFalse(expected.getMessage().isBlank());
            }
        }
    }

    private static byte[] with(byte[] bytes, int offset, int value) {
        byte[] copy = bytes.clone();
        copy[offset] = (byte) value;
        return copy;
    }
}
