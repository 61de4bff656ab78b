package dev.tensorseal.cli;

import dev.tensorseal.GpuAttestation;
import dev.tensorseal.nativebridge.AttestationEvidence;
import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import dev.tensorseal.nativebridge.NativeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensorseal attest collect --out DIR}: evidence from every GPU over a fresh nonce each, gathered in
 * memory first and written only when all of it came back, so a failure leaves no partial set.
 */
final class AttestCollect {
    private AttestCollect() {}

    static int run(List<String> args, PrintStream out) throws IOException {
        Args a = Args.parse(args, Set.of("--out"), Set.of("--force"), Map.of("-o", "--out"));
        a.noPositional();
        Path dir = Path.of(a.required("--out"));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException(dir + " is not a directory");
        }
        GpuReport probe = Gpus.probe();
        if (!probe.nvml().isAvailable()) {
            out.println("gpu: unavailable (" + probe.nvml().reason() + ")");
            return 2;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        int count;
        try {
            count = Gpus.attestableDeviceCount();
            for (int i = 0; i < count; i++) {
                byte[] nonce = GpuAttestation.freshNonce();
                AttestationEvidence e = Gpus.attest(i, nonce);
                files.put("gpu" + i + "-report.hex", (HexFormat.of().formatHex(e.report()) + "\n").getBytes(StandardCharsets.US_ASCII));
                files.put("gpu" + i + "-certs.pem", e.attestationCertificateChainPem().getBytes(StandardCharsets.US_ASCII));
                files.put("gpu" + i + "-nonce.hex", (HexFormat.of().formatHex(nonce) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (NativeException e) {
            out.println("gpu: attestation unavailable (" + e.getMessage() + ")");
            return 2;
        }
        if (count == 0) {
            out.println("gpu: unavailable (NVML sees no GPU)");
            return 2;
        }
        write(dir, files, a.flag("--force"));
        out.println("collected evidence from " + count + " GPU(s) into " + dir + " (" + String.join(", ", files.keySet()) + ")");
        return 0;
    }

    private static void write(Path dir, Map<String, byte[]> files, boolean force) throws IOException {
        Files.createDirectories(dir);
        for (String name : files.keySet()) {
            if (Files.exists(dir.resolve(name)) && !force) {
                throw new UsageException(dir.resolve(name) + " already exists (pass --force to replace it)");
            }
        }
        List<Path> temps = new ArrayList<>();
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                temps.add(Files.write(dir.resolve("." + f.getKey() + ".tmp"), f.getValue()));
            }
            int i = 0;
            for (String name : files.keySet()) {
                Files.move(temps.get(i++), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            for (Path t : temps) {
                Files.deleteIfExists(t);
            }
        }
    }
}
