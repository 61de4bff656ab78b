package dev.tensorseal.devtools.gpu;

import dev.tensorseal.nativebridge.Availability;
import dev.tensorseal.nativebridge.ChunkBatch;
import dev.tensorseal.nativebridge.GpuAesGcm;
import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import dev.tensorseal.nativebridge.HostAesGcm;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.vectors.VectorFiles;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The GPU check run by dev-tools/gpu-check.sh: host half (host kernel build against the NIST
 * vectors and javax.crypto, kernel packaging, driver probe) and, unless {@code --host-only}, the
 * device half (NIST vectors on the device, equality with javax.crypto on fresh random chunks with
 * poisoned output, tamper detection, then a bandwidth table). Exit 0 when every check passed. It lives in dev-tools,
 * not in native-bridge's jar, and uses native-bridge's public API plus, to seal NIST's vectors under their own nonces,
 * the {@code InsecureNonce} permit, which reaches it only because dev-tools runs on the class path (see its pom).
 */
public final class GpuCheck {
    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    private static final int CHUNK_BYTES = 64 * 1024;
    static final String VECTORS_PROPERTY = VectorFiles.PROPERTY;
    static final String VECTORS_ENV = VectorFiles.ENV;

    private final PrintStream out;
    private final Path vectors;
    private final Verdicts verdicts;

    private GpuCheck(PrintStream out, Path vectors) {
        this.out = out;
        this.vectors = vectors;
        this.verdicts = new Verdicts(out);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** The folder of the NIST GCM .rsp files under test-vectors' {@link VectorFiles#root()} (one override for all). */
    static Path nistGcmDir() {
        return VectorFiles.root().resolve("ciphers/AES/GCM");
    }

    /**
     * Runs the check; {@code --host-only} skips device calls, {@code --vectors DIR} points at the .rsp files (default
     * {@link #nistGcmDir()}).
     */
    public static int run(String[] args, PrintStream out) {
        boolean hostOnly = false;
        Path vectors = nistGcmDir();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host-only" -> hostOnly = true;
                case "--vectors" -> vectors = Path.of(args[++i]);
                default -> {
                    out.println("usage: gpu-check [--host-only] [--vectors DIR]");
                    return 2;
                }
            }
        }
        GpuCheck check = new GpuCheck(out, vectors);
        check.hostHalf();
        if (hostOnly) {
            out.println("device half: skipped (--host-only)");
        } else {
            check.deviceHalf();
        }
        return check.verdicts.finish("gpu-check");
    }

    private List<Object[]> nistCases() throws java.io.IOException {
        List<Object[]> cases = new ArrayList<>();
        for (String file : new String[] {"gcmEncryptExtIV256.rsp", "gcmDecrypt256.rsp"}) {
            HexFormat hex = HexFormat.of();
            byte[][] c = new byte[6][];
            boolean fail = false;
            int ivBits = 0, tagBits = 0;
            List<String> lines = new ArrayList<>(Files.readAllLines(vectors.resolve(file)));
            lines.add("");
            for (String raw : lines) {
                String l = raw.strip();
                String v = l.contains("=") ? l.substring(l.indexOf('=') + 1).replace("]", "").strip() : "";
                if (l.startsWith("[IVlen")) ivBits = Integer.parseInt(v);
                else if (l.startsWith("[Taglen")) tagBits = Integer.parseInt(v);
                else if (l.startsWith("Key")) c[0] = hex.parseHex(v);
                else if (l.startsWith("IV")) c[1] = hex.parseHex(v);
                else if (l.startsWith("PT")) c[2] = hex.parseHex(v);
                else if (l.startsWith("AAD")) c[3] = hex.parseHex(v);
                else if (l.startsWith("CT")) c[4] = hex.parseHex(v);
                else if (l.startsWith("Tag")) c[5] = hex.parseHex(v);
                else if (l.equals("FAIL")) fail = true;
                else if (l.isEmpty() && c[0] != null) {
                    if (ivBits == 96 && tagBits == 128) {
                        cases.add(new Object[] {c[0], c[1], fail ? null : c[2], c[3], c[4], c[5]});
                    }
                    c = new byte[6][];
                    fail = false;
                }
            }
        }
        return cases;
    }

    private void hostHalf() {
        out.println("== host half ==");
        Availability host = HostAesGcm.availability();
        verdicts.report("host GCM library (kernel arithmetic, gcc)", host.isAvailable(), host.toString());
        GpuReport report = Gpus.probe();
        verdicts.report("GPU kernel images packaged", report.kernel().isAvailable(), report.kernel().toString());
        if (host.isAvailable()) {
            try {
                List<Object[]> cases = nistCases();
                int bad = 0;
                for (Object[] c : cases) {
                    byte[] key = (byte[]) c[0], iv = (byte[]) c[1], pt = (byte[]) c[2], aad = (byte[]) c[3];
                    byte[] sealed = concat((byte[]) c[4], (byte[]) c[5]);
                    byte[] opened = hostOpen(key, iv, aad, sealed);
                    boolean ok = pt == null ? opened == null
                            : java.util.Arrays.equals(pt, opened) && java.util.Arrays.equals(sealed, jceSeal(key, iv, aad, pt));
                    bad += ok ? 0 : 1;
                }
                verdicts.report("NIST GCM-256 vectors, host build (batched path)", bad == 0 && !cases.isEmpty(),
                        cases.size() + " cases, " + bad + " wrong");
            } catch (java.io.IOException e) {
                verdicts.report("NIST GCM-256 vectors, host build", false, "cannot read " + vectors + ": " + e.getMessage()
                        + "; install Debian's python3-cryptography-vectors or set " + VECTORS_ENV);
            }
        }
        out.println("gpu driver: " + report.driver() + (report.driverVersion() > 0 ? " (CUDA " + report.driverVersion() + ")" : ""));
        report.devices().forEach(d -> out.println("  device " + d.ordinal() + ": " + d.name() + ", sm_"
                + d.computeMajor() + d.computeMinor() + ", " + (d.totalMemoryBytes() >> 20) + " MiB"));
        out.println("nvml: " + report.nvml() + report.confidentialComputing().map(c -> ", CC " + c).orElse(""));
    }

    private static byte[] hostOpen(byte[] key, byte[] iv, byte[] aad, byte[] sealed) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ctx = HostAesGcm.keyContexts(a, List.of(a.allocateFrom(B, key)));
            int len = sealed.length - 16;
            MemorySegment o = a.allocate(Math.max(len, 1));
            ChunkBatch batch = new ChunkBatch(a, 1).add(0, 0, 0, len, aad.length, 0, iv);
            int[] status = HostAesGcm.open(ctx, 1, batch, a.allocateFrom(B, sealed), aad.length == 0 ? a.allocate(1)
                    : a.allocateFrom(B, aad), o);
            ctx.fill((byte) 0); // key material (HostAesGcm.keyContexts): zeroed before the arena lets it go
            return status[0] == ChunkBatch.STATUS_OK ? o.asSlice(0, len).toArray(B) : null;
        }
    }

    private void deviceHalf() {
        out.println("== device half ==");
        Availability gpu = GpuAesGcm.availability();
        if (!gpu.isAvailable()) {
            verdicts.report("GPU AES-GCM available", false, gpu.toString());
            return;
        }
        try (GpuAesGcm g = GpuAesGcm.open(0)) {
            out.println("kernel image: " + g.image());
            new DeviceChecks(g, out, verdicts).run(nistCasesOrEmpty());
        } catch (NativeException e) {
            verdicts.report("device checks", false, e.getMessage());
        }
    }

    private List<Object[]> nistCasesOrEmpty() {
        try {
            return nistCases();
        } catch (java.io.IOException e) {
            verdicts.report("NIST vectors readable", false, e.getMessage());
            return List.of();
        }
    }

    static byte[] jceSeal(byte[] key, byte[] iv, byte[] aad, byte[] pt) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad);
            return c.doFinal(pt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES/GCM unavailable", e);
        }
    }

    static byte[] concat(byte[] x, byte[] y) {
        byte[] r = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static int chunkBytes() {
        return CHUNK_BYTES;
    }
}
