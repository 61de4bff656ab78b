package dev.tensorseal.internal.attestation;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.AttestationResult.Check;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Verifies GPU evidence against an {@link AttestationPolicy}, in the spirit of NVIDIA's ordered check list:
 * parse the report, verify the device chain to a trusted root, the report's signature with the leaf key,
 * the nonce, the FWID binding certificate and report, revocation, minimum versions, then the driver and
 * VBIOS RIMs (signature, chain, version, revocation) and every active measurement against them. The report
 * is authenticated (signature) before any field of it is interpreted. One instance keeps a cache of
 * verified RIMs, so reuse it across releases.
 */
public final class EvidenceVerifier {
    public static final String REPORT_PARSED = "REPORT_PARSED";
    public static final String CERT_CHAIN = "CERT_CHAIN";
    public static final String REPORT_SIGNATURE = "REPORT_SIGNATURE";
    public static final String NONCE_MATCH = "NONCE_MATCH";
    public static final String CERT_FWID_MATCH = "CERT_FWID_MATCH";
    public static final String CERT_REVOCATION = "CERT_REVOCATION";
    public static final String DRIVER_VERSION = "DRIVER_VERSION";
    public static final String VBIOS_VERSION = "VBIOS_VERSION";
    public static final String DRIVER_RIM = "DRIVER_RIM";
    public static final String DRIVER_RIM_REVOCATION = "DRIVER_RIM_REVOCATION";
    public static final String VBIOS_RIM = "VBIOS_RIM";
    public static final String VBIOS_RIM_REVOCATION = "VBIOS_RIM_REVOCATION";
    public static final String RIM_INDEX_CONFLICT = "RIM_INDEX_CONFLICT";
    public static final String MEASUREMENTS_MATCH = "MEASUREMENTS_MATCH";
    public static final String RIM_PARSED = "RIM_PARSED";
    public static final String RIM_SIGNATURE = "RIM_SIGNATURE";
    public static final String RIM_REVOCATION = "RIM_REVOCATION";

    private final AttestationPolicy policy;
    private final VerifiedRims rims;
    private final RevocationSource revocation;

    public EvidenceVerifier(AttestationPolicy policy) {
        this.policy = policy;
        if (!policy.rimsRequired()) {
            this.rims = null; // no RIM is looked at: no HTTP client either
        } else {
            this.rims = new VerifiedRims(policy.rimFiles().isEmpty()
                    ? new HttpRimSource(policy.rimService(), policy.networkTimeout()) : new FileRimSource(policy.rimFiles()));
        }
        if (!policy.revocationRequired()) {
            this.revocation = RevocationSource.notChecked();
        } else if (!policy.ocspResponses().isEmpty()) {
            this.revocation = new FileOcspSource(policy.ocspResponses());
        } else {
            this.revocation = new HttpOcspSource(policy.ocspResponder(), policy.networkTimeout());
        }
    }

    /** Every check for one GPU's evidence, in order; {@code expectedNonce} is the nonce this verification issued. */
    public List<Check> verify(GpuEvidence evidence, byte[] expectedNonce) {
        Instant at = policy.now();
        CheckRun run = new CheckRun(evidence.subject());
        AttestationReport[] report = new AttestationReport[1];
        ChainVerifier.Verified[] chain = new ChainVerifier.Verified[1];
        run.run(REPORT_PARSED, () -> {
            report[0] = AttestationReport.parse(evidence.report());
            return report[0].sizeBytes() + " bytes, " + report[0].blocks().size() + " measurement blocks, opaque fields "
                    + report[0].opaque().fieldSizes().keySet();
        });
        run.run(CERT_CHAIN, () -> {
            chain[0] = ChainVerifier.verify(Pem.certificates(evidence.certificateChain(), "GPU certificate chain"),
                    policy.deviceRoots(), at);
            return chain[0].reason();
        });
        run.run(REPORT_SIGNATURE, () -> ReportSignature.verify(report[0], chain[0].withRoot().get(0).getPublicKey()));
        run.run(NONCE_MATCH, () -> {
            if (!Nonces.same(report[0].request().nonce(), expectedNonce)) {
                throw new CheckFailed("the report answers nonce " + HexFormat.of().formatHex(report[0].request().nonce())
                        + ", not the one this verification issued (stale or replayed report)");
            }
            return "the report answers this verification's 32-byte nonce";
        });
        fwid(run, report, chain);
        revocation(run, CERT_REVOCATION, () -> chain[0].withRoot(), 1, at);
        minimum(run, DRIVER_VERSION, () -> report[0].opaque().driverVersion(), policy.minimumDriverVersion().orElse(null), 10);
        minimum(run, VBIOS_VERSION, () -> report[0].opaque().vbiosVersion(), policy.minimumVbiosVersion().orElse(null), 16);
        rimChecks(run, report, at);
        return run.checks();
    }

    /** Checks one RIM on its own: parsed, signature and chain to a RIM root, revocation of its chain. */
    public List<Check> verifyRim(byte[] xml, String subject) {
        Instant at = policy.now();
        CheckRun run = new CheckRun(subject);
        Rim[] rim = new Rim[1];
        ChainVerifier.Verified[] chain = new ChainVerifier.Verified[1];
        run.run(RIM_PARSED, () -> {
            rim[0] = Rim.parse(xml, subject);
            return "SWID tag for " + rim[0].product() + " version " + rim[0].version() + ", " + rim[0].measurements().size()
                    + " measurements";
        });
        run.run(RIM_SIGNATURE, () -> {
            chain[0] = RimVerifier.verify(rim[0], policy.rimRoots(), at);
            return chain[0].reason();
        });
        revocation(run, RIM_REVOCATION, () -> chain[0].withRoot(), 0, at);
        return run.checks();
    }

    private static void fwid(CheckRun run, AttestationReport[] report, ChainVerifier.Verified[] chain) {
        if (!run.failed() && report[0].opaque().fwid().isEmpty()) {
            run.notChecked(CERT_FWID_MATCH, "the report carries no FWID");
            return;
        }
        run.run(CERT_FWID_MATCH, () -> {
            byte[] inReport = report[0].opaque().fwid().orElseThrow();
            X509Certificate leaf = chain[0].withRoot().get(0);
            byte[] inCert = Fwid.of(leaf).orElseThrow(() -> new CheckFailed(
                    "the report carries an FWID but the leaf certificate has no FWID extension"));
            if (!Nonces.same(inReport, inCert)) {
                throw new CheckFailed("the report's FWID " + HexFormat.of().formatHex(inReport)
                        + " differs from the leaf certificate's " + HexFormat.of().formatHex(inCert));
            }
            return "the leaf certificate's FWID equals the report's (" + inCert.length + " bytes)";
        });
    }

    /** Revocation of {@code chain} from position {@code first} up to, not including, the root. */
    private void revocation(CheckRun run, String name, Supplier<List<X509Certificate>> chain, int first,
                            Instant at) {
        if (!revocation.checks()) {
            run.notChecked(name, revocation.description());
            return;
        }
        run.run(name, () -> {
            List<X509Certificate> certs = chain.get();
            StringBuilder reason = new StringBuilder();
            for (int i = first; i < certs.size() - 1; i++) {
                String status = revocation.check(certs.get(i), certs.get(i + 1), at);
                reason.append(reason.isEmpty() ? "" : "; ").append("'").append(ChainVerifier.name(certs.get(i))).append("' ")
                        .append(status);
            }
            return (reason.isEmpty() ? "no certificate to check" : reason) + " (" + revocation.description() + ")";
        });
    }

    private static void minimum(CheckRun run, String name, Supplier<Optional<String>> actual,
                                String minimum, int radix) {
        if (minimum == null && !run.failed()) {
            String reported;
            try {
                reported = actual.get().orElse("absent");
            } catch (EvidenceFormatException e) {
                reported = "unreadable";
            }
            run.notChecked(name, "no minimum set by the policy (report: " + reported + ")");
            return;
        }
        run.run(name, () -> {
            String version = actual.get().orElseThrow(() -> new CheckFailed("the report carries no version"));
            boolean ok;
            try {
                ok = Versions.atLeast(version, minimum, radix);
            } catch (IllegalArgumentException e) {
                throw new CheckFailed("the report's version " + e.getMessage());
            }
            if (!ok) {
                throw new CheckFailed("version " + version + " is below the policy's minimum " + minimum);
            }
            return "version " + version + " >= minimum " + minimum;
        });
    }

    private void rimChecks(CheckRun run, AttestationReport[] report, Instant at) {
        if (rims == null) {
            for (String name : List.of(DRIVER_RIM, DRIVER_RIM_REVOCATION, VBIOS_RIM, VBIOS_RIM_REVOCATION,
                    RIM_INDEX_CONFLICT, MEASUREMENTS_MATCH)) {
                run.notChecked(name, "RIMs not required by the policy: measurements are not compared with reference values");
            }
            return;
        }
        VerifiedRims.Verified[] driver = new VerifiedRims.Verified[1];
        VerifiedRims.Verified[] vbios = new VerifiedRims.Verified[1];
        run.run(DRIVER_RIM, () -> {
            driver[0] = rims.get(RimId.driver(report[0]), policy.rimRoots(), at);
            return driver[0].reason();
        });
        revocation(run, DRIVER_RIM_REVOCATION, () -> driver[0].chainWithRoot(), 0, at);
        run.run(VBIOS_RIM, () -> {
            vbios[0] = rims.get(RimId.vbios(report[0]), policy.rimRoots(), at);
            return vbios[0].reason();
        });
        revocation(run, VBIOS_RIM_REVOCATION, () -> vbios[0].chainWithRoot(), 0, at);
        Map<Integer, GoldenMeasurement> golden = new TreeMap<>();
        run.run(RIM_INDEX_CONFLICT, () -> {
            golden.putAll(active(driver[0].rim()));
            for (GoldenMeasurement m : active(vbios[0].rim()).values()) {
                if (golden.put(m.index(), m) != null) {
                    throw new CheckFailed("the driver and VBIOS RIMs both have an active measurement at index " + m.index());
                }
            }
            return golden.size() + " active reference measurements, no index in both RIMs";
        });
        run.run(MEASUREMENTS_MATCH, () -> compare(report[0], golden));
    }

    private static Map<Integer, GoldenMeasurement> active(Rim rim) {
        Map<Integer, GoldenMeasurement> active = new TreeMap<>();
        rim.measurements().values().stream().filter(GoldenMeasurement::active).forEach(m -> active.put(m.index(), m));
        return active;
    }

    /**
     * Every active reference measurement must be matched. NVIDIA's verifier means to skip index 35 when the
     * report says NVDEC0 is disabled, but as written (bytes compared with an enum) it never does; this one
     * does not skip it either, which fails closed.
     */
    private static String compare(AttestationReport report, Map<Integer, GoldenMeasurement> golden) {
        int compared = 0;
        for (GoldenMeasurement m : golden.values()) {
            MeasurementBlock block = report.blocks().get(m.index() + 1);
            if (block == null) {
                throw new CheckFailed("the RIMs expect measurement " + m.index() + " but the report has no block "
                        + (m.index() + 1));
            }
            if (!m.accepts(block.value())) {
                throw new CheckFailed("measurement " + m.index() + " is " + HexFormat.of().formatHex(block.value())
                        + ", the RIM allows " + m.describe());
            }
            compared++;
        }
        return compared + " active measurements equal a RIM alternative";
    }
}
