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
        return RimSigner.sign(version, measurements, rimPki.signer.keys().getPrivate(), rimPki.chain());
    }

    /** RIM files written to {@code dir}: the driver and VBIOS RIMs, unless others are given. */
    List<Path> rimFiles(Path dir, byte[]... rims) {
        byte[][] all = rims.length == 0 ? new byte[][] {driverRim(), vbiosRim()} : rims;
        try {
            List<Path> files = new java.util.ArrayList<>();
            for (int i = 0; i < all.length; i++) {
                files.add(Files.write(dir.resolve("rim" + i + ".swidtag"), all[i]));
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
