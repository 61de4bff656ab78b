package dev.tensorseal.cli;

import dev.tensorseal.AttestationPolicy;
import dev.tensorseal.GpuAttestation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensorseal attest verify|verify-rim|collect}: verifies NVIDIA GPU attestation evidence offline
 * (report, certificate chain, nonce, RIMs) or collects it from the local GPUs.
 */
final class AttestCommand implements Command {
    private static final Set<String> VERIFY_OPTIONS = Set.of("--report", "--certs", "--nonce", "--at", "--rim-root",
            "--ocsp-url", "--min-driver", "--min-vbios");

    @Override
    public String name() {
        return "attest";
    }

    @Override
    public String summary() {
        return "verify GPU attestation evidence (report, chain, RIMs) or collect it from the local GPUs";
    }

    @Override
    public String usage() {
        return """
                usage: tensorseal attest verify --report FILE --certs FILE --nonce HEX [--rim FILE]... [--root PEM]...
                                                [--rim-root PEM]... [--at ISO-8601] [--min-driver V] [--min-vbios V]
                                                [--ocsp-url URL | --ocsp-response FILE...] [--json]
                       tensorseal attest verify-rim FILE [--root PEM]... [--at ISO-8601] [--ocsp-url URL | --ocsp-response FILE...]
                       tensorseal attest collect --out DIR [--force]
                verify: checks a GPU attestation report (hex text or raw bytes, as NVML returns it) and its PEM
                  certificate chain (leaf first) against NVIDIA's Device Identity root (or --root), the nonce it was
                  requested with, and, with --rim, the driver and VBIOS RIMs. One line per check; NOT_CHECKED lines
                  (no --rim, no OCSP source) are not required. Certificates are checked at --at (default: now).
                verify-rim: checks one RIM's XML signature and signing chain to NVIDIA's RIM root (or --root).
                collect: asks every local GPU for evidence over a fresh nonce and writes gpuN-report.hex,
                  gpuN-certs.pem and gpuN-nonce.hex in DIR (existing files only with --force).
                Exit 0: verified; 1: a check failed; 2: unreadable input, usage error, or no GPU to collect from.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.isEmpty()) {
            throw new UsageException("attest needs a sub-command: verify, verify-rim or collect");
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        return switch (args.get(0)) {
            case "verify" -> verify(rest, out);
            case "verify-rim" -> verifyRim(rest, out);
            case "collect" -> AttestCollect.run(rest, out);
            default -> throw new UsageException("unknown attest sub-command '" + args.get(0)
                    + "' (expected verify, verify-rim or collect)");
        };
    }

    private static int verify(List<String> args, PrintStream out) throws IOException {
        List<String> rims = AttestInputs.takeAll(args, "--rim");
        List<String> roots = AttestInputs.takeAll(args, "--root");
        List<String> rimRoots = AttestInputs.takeAll(args, "--rim-root");
        List<String> ocsp = AttestInputs.takeAll(args, "--ocsp-response");
        Args a = Args.parse(args, VERIFY_OPTIONS, Set.of("--json"), Map.of());
        a.noPositional();
        byte[] report = AttestInputs.report(a.required("--report"));
        byte[] certs = AttestInputs.read(a.required("--certs"), "certificate chain");
        byte[] nonce = AttestInputs.nonce(a.required("--nonce"));
        AttestationPolicy.Builder policy = AttestationPolicy.builder();
        if (!roots.isEmpty()) {
            policy.deviceRoots(AttestInputs.roots(roots));
        }
        if (!rimRoots.isEmpty()) {
            policy.rimRoots(AttestInputs.roots(rimRoots));
        }
        if (rims.isEmpty()) {
            policy.rimsNotChecked();
        } else {
            policy.rimFiles(rims.stream().map(f -> Paths.input(f)).toList());
        }
        try {
            a.value("--min-driver").ifPresent(policy::minimumDriverVersion);
            a.value("--min-vbios").ifPresent(policy::minimumVbiosVersion);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        AttestInputs.common(a, ocsp, policy);
        return AttestOutput.print(GpuAttestation.verifyReport(report, certs, nonce, policy.build()), a.flag("--json"), out);
    }

    private static int verifyRim(List<String> args, PrintStream out) throws IOException {
        List<String> roots = AttestInputs.takeAll(args, "--root");
        List<String> ocsp = AttestInputs.takeAll(args, "--ocsp-response");
        Args a = Args.parse(args, Set.of("--at", "--ocsp-url"), Set.of("--json"), Map.of());
        Path file = Paths.input(a.single("RIM file"));
        byte[] rim = AttestInputs.read(file.toString(), "RIM");
        AttestationPolicy.Builder policy = AttestationPolicy.builder().rimsNotChecked();
        if (!roots.isEmpty()) {
            policy.rimRoots(AttestInputs.roots(roots));
        }
        AttestInputs.common(a, ocsp, policy);
        return AttestOutput.print(GpuAttestation.verifyRim(rim, policy.build()), a.flag("--json"), out);
    }
}
