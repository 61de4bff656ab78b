package dev.tensorseal.examples;

import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import java.io.PrintStream;

/**
 * GPU example: upload sealed weights, decrypt them on the device, run a small kernel. Where no usable GPU (driver,
 * device and packaged AES-GCM kernel) is present it prints why and exits 0, so it runs everywhere.
 */
public final class GpuSealedWeights {
    private GpuSealedWeights() {}

    public static void main(String[] args) {
        System.exit(run(System.out));
    }

    /** Exit code: 0 (also without a GPU). */
    public static int run(PrintStream out) {
        GpuReport report = Gpus.probe();
        if (!report.driver().isAvailable()) {
            out.println("gpu example: skipped, no usable GPU: " + report.driver().reason());
            return 0;
        }
        if (report.devices().isEmpty()) {
            out.println("gpu example: skipped, no usable GPU: the CUDA driver reports no devices");
            return 0;
        }
        if (!report.kernel().isAvailable()) {
            out.println("gpu example: skipped, no usable GPU: the AES-GCM kernel is not packaged (" + report.kernel() + ")");
            return 0;
        }
        // The device path (chunks uploaded as ciphertext, opened by the kernel, then a small kernel over the
        // plaintext weights) is not written yet; say so plainly rather than pretend.
        out.println("gpu example: GPU " + report.devices().get(0).name()
                + " found, but the device decrypt-and-run path of this example is not implemented yet");
        return 0;
    }
}
