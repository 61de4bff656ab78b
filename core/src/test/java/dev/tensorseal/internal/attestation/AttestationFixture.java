package dev.tensorseal.internal.attestation;

import dev.tensorseal.AttestationPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One synthetic GPU with NVIDIA-shaped evidence: device chain (Hopper FWID extension), a report signed by
 * its leaf over blocks 1..8, a driver RIM covering blocks 1..4 and a VBIOS RIM covering blocks 5..8, all
 * valid at {@link TestPki#NOW}.
 */
final class AttestationFixture {
    static final byte[] FWID = fill(48, 0x77);
    static final String DRIVER = "550.90.07";
    static final String VBIOS = "96.00.9f.00.01";
    /** Project, project SKU and chip SKU of the board {@link ReportBuilder} reports, as NVIDIA's file names spell them. */
    static final String BOARD = "1010_0200_882";

    final TestPki.Device device = new TestPki.Device(TestPki.hopperFwid(FWID, TestPki.p384()));
    final TestPki.RimSigning rimPki = new TestPki.RimSigning();
    final byte[] nonce = Nonces.fresh();

    static byte[] fill(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    ReportBuilder report() {
        return new ReportBuilder(nonce).fwid(FWID);
    }

    byte[] signed(ReportBuilder b) {
        return b.signedWith(device.leaf.keys().getPrivate());
    }

    byte[] chainPem() {
        return TestPki.pemBytes(device.chain());
    }

    byte[] driverRim() {
        return rim(DRIVER, RimSigner.matching(1, 4));
    }

    byte[] vbiosRim() {
        return rim(VBIOS, RimSigner.matching(5, 8));
    }

    byte[] rim(String version, List<RimSigner.Measurement> measurements) {
        return rim(version, "GH100", measurements);
    }

    byte[] rim(String version, String product, List<RimSigner.Measurement> measurements) {
        return RimSigner.sign(version, product, measurements, rimPki.signer.keys().getPrivate(), rimPki.chain());
    }

    /**
     * The name NVIDIA gives a RIM file: {@code <project>_<projectSku>_<chipSku>_<version>_PROD.swidtag} for a
     * VBIOS RIM (the board {@link ReportBuilder} reports), anything for a driver RIM or a file that does not parse.
     */
    static String fileName(byte[] rim, int i) {
        String version;
        try {
            version = Rim.parse(rim, "test RIM").version();
        } catch (RuntimeException e) {
            return "rim" + i + ".swidtag";
        }
        return RimId.Kind.of(version) == RimId.Kind.VBIOS
                ? BOARD + "_" + version.replace(".", "").toUpperCase(java.util.Locale.ROOT) + "_PROD_" + i + ".swidtag"
                : "driver" + i + ".swidtag";
    }

    /** RIM files written to {@code dir}: the driver and VBIOS RIMs, unless others are given. */
    List<Path> rimFiles(Path dir, byte[]... rims) {
        byte[][] all = rims.length == 0 ? new byte[][] {driverRim(), vbiosRim()} : rims;
        try {
            List<Path> files = new java.util.ArrayList<>();
            for (int i = 0; i < all.length; i++) {
                files.add(Files.write(dir.resolve(fileName(all[i], i)), all[i]));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test roots, the fixed clock, RIMs from {@code rimFiles}, revocation not checked. */
    AttestationPolicy.Builder policy(List<Path> rimFiles) {
        return AttestationPolicy.builder()
                .deviceRoots(List.of(device.root.cert()))
                .rimRoots(List.of(rimPki.root.cert()))
                .at(TestPki.NOW)
                .rimFiles(rimFiles)
                .revocationNotChecked();
    }
}
