package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Where there is no NVIDIA driver (this machine and CI), absence is reported, never thrown. On a
 * machine with a driver these assertions do not apply; the test says so and checks the report's
 * shape instead.
 */
class GpusWithoutDriverTest {
    private static boolean driverInstalled() {
        return Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1")) || Files.exists(Path.of("/usr/lib64/libcuda.so.1"))
                || CudaDriver.unavailableReason().isEmpty();
    }

    @Test
    void probeReportsTheMissingDriverInsteadOfThrowing() {
        GpuReport report = Gpus.probe();
        if (driverInstalled()) {
            System.out.println("NOTE: a CUDA driver is installed here; checking the report's shape only: " + report.driver());
            assertEquals(report.driver().isAvailable(), !report.devices().isEmpty());
            return;
        }
        assertFalse(report.driver().isAvailable());
        assertTrue(report.driver().toString().startsWith("unavailable: libcuda.so.1 not found"), report.driver().toString());
        assertTrue(report.devices().isEmpty());
        assertFalse(report.nvml().isAvailable());
        assertTrue(report.nvml().reason().contains("libnvidia-ml.so.1"), report.nvml().reason());
        assertTrue(report.confidentialComputing().isEmpty());
    }

    @Test
    void driverCallsFailWithTheFunctionNamedWhenTheLibraryIsMissing() {
        if (driverInstalled()) {
            System.out.println("NOTE: a CUDA driver is installed here; the missing-driver path cannot be exercised");
            return;
        }
        NativeException e = assertThrows(NativeException.class, CudaDriver::cuInit);
        assertEquals("cuInit", e.function());
        assertTrue(e.getMessage().contains("unavailable: libcuda.so.1"), e.getMessage());
        NativeException n = assertThrows(NativeException.class, () -> Gpus.attest(0, new byte[32]));
        assertEquals("nvmlInit_v2", n.function());
        assertFalse(GpuAesGcm.availability().isAvailable());
    }

    @Test
    void attestationNeedsA32ByteNonce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gpus.attest(0, new byte[16]));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
    }

    @Test
    void kernelImagesArePackagedWhenTheBuildHadNvcc() {
        boolean nvcc = Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
        Prerequisites.require(nvcc, "nvcc not installed: the kernel images are not packaged");
        assertTrue(Gpus.probe().kernel().isAvailable(), Gpus.probe().kernel().toString());
        KernelImages.Image h100 = KernelImages.forComputeCapability(9, 0).orElseThrow();
        assertEquals("aes_gcm.sm_90.cubin", h100.name());
        assertEquals("aes_gcm.sm_100.cubin", KernelImages.forComputeCapability(10, 3).orElseThrow().name());
        assertEquals("aes_gcm.sm_120.cubin", KernelImages.forComputeCapability(12, 0).orElseThrow().name());
        KernelImages.Image jit = KernelImages.forComputeCapability(11, 0).orElseThrow();
        assertEquals(KernelImages.PTX, jit.name());
        assertEquals(0, jit.bytes()[jit.bytes().length - 1], "PTX handed to cuModuleLoadData must be NUL-terminated");
        assertTrue(KernelImages.forComputeCapability(8, 9).isEmpty());
        // The GPU example's module, packaged the same way.
        assertEquals("tensor_ops.sm_90.cubin", KernelImages.forComputeCapability("tensor_ops", 9, 0).orElseThrow().name());
        KernelImages.Image ops = KernelImages.forComputeCapability("tensor_ops", 11, 0).orElseThrow();
        assertEquals("tensor_ops.compute_90.ptx", ops.name());
        assertTrue(new String(ops.bytes(), java.nio.charset.StandardCharsets.US_ASCII).contains(
                ".entry tensorseal_matvec_bias_relu"), "PTX lacks the example kernel");
        assertTrue(KernelImages.forComputeCapability("no_such_module", 9, 0).isEmpty());
    }

    @Test
    void cudaModulesFailWithTheFunctionNamedWhenTheLibraryIsMissing() {
        if (driverInstalled()) {
            System.out.println("NOTE: a CUDA driver is installed here; the missing-driver path cannot be exercised");
            return;
        }
        NativeException e = assertThrows(NativeException.class, () -> CudaModule.loadPackaged(0, "tensor_ops"));
        assertEquals("cuInit", e.function());
        assertTrue(e.getMessage().contains("unavailable: libcuda.so.1"), e.getMessage());
        assertThrows(NativeException.class, () -> CudaModule.load(0, new byte[] {'/', '/', '\n'}));
    }

    @Test
    void pemExportWrapsBinaryChainsAndKeepsPemText() {
        String pem = AttestationEvidence.pem(new byte[] {1, 2, 3});
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----"), pem);
        String text = "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n";
        assertEquals(text, AttestationEvidence.pem((text + "\0\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
