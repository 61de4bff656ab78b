package dev.tensorseal.cli;

import dev.tensorseal.nativebridge.GpuDevice;
import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import java.io.PrintStream;
import java.util.List;

/** {@code tensorseal gpu-info}: devices, confidential-computing state, attestation and kernel availability. */
final class GpuInfoCommand implements Command {
    @Override
    public String name() {
        return "gpu-info";
    }

    @Override
    public String summary() {
        return "show GPUs, confidential-computing state and GPU kernel availability";
    }

    @Override
    public String usage() {
        return "usage: tensorseal gpu-info\n"
                + "Lists CUDA devices, the NVIDIA confidential-computing state NVML reports (the driver's own claim,\n"
                + "not verified attestation), whether attestation evidence can be requested, and whether this build\n"
                + "packages the AES-GCM kernel. Exits 0 also where there is no GPU or driver.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        args = Args.withoutQuiet(args);
        if (!args.isEmpty()) {
            throw new UsageException("gpu-info takes no arguments, got " + String.join(" ", args));
        }
        GpuReport report = Gpus.probe();
        if (!report.driver().isAvailable()) {
            out.println("gpu: unavailable (" + report.driver().reason() + ")");
        } else {
            out.println("gpu: CUDA driver " + report.driverVersion() / 1000 + "." + report.driverVersion() % 1000 / 10);
            for (GpuDevice d : report.devices()) {
                out.printf("  [%d] %s  compute %s  %d MiB  CC-capable: %s%n", d.ordinal(), d.name(),
                        d.computeCapability(), d.totalMemoryBytes() >> 20, d.confidentialComputingCapable() ? "yes" : "no");
            }
        }
        report.confidentialComputing().ifPresentOrElse(cc -> {
            out.println("confidential computing: " + (cc.featureEnabled() ? "on" : "off") + ", environment "
                    + cc.environment() + ", devtools " + (cc.devToolsMode() ? "on" : "off") + ", multi-GPU "
                    + cc.multiGpuMode() + ", GPUs ready: " + (cc.gpusReady() ? "yes" : "no") + ", CPU TEE " + cc.cpuTee());
            out.println("attestation: " + (cc.featureEnabled() ? "available (evidence from NVML; verify with tensorseal attest)"
                    : "unavailable (confidential computing is off)"));
        }, () -> {
            out.println("confidential computing: unknown (" + report.nvml() + ")");
            out.println("attestation: unavailable (NVML not usable)");
        });
        out.println("gpu kernel: " + (report.kernel().isAvailable() ? "packaged" : report.kernel().toString()));
        return 0;
    }
}
