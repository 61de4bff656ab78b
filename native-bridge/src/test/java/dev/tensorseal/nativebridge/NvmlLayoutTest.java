package dev.tensorseal.nativebridge;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The NVML struct layouts equal the sizes and offsets gcc computed from nvml.h (shared/reference/nvidia-cc.md). */
class NvmlLayoutTest {
    @Test
    void confComputeStructSizesMatchTheHeader() {
        assertEquals(8, Nvml.SYSTEM_CAPS.byteSize());
        assertEquals(12, Nvml.SYSTEM_STATE.byteSize());
        assertEquals(20, Nvml.SYSTEM_SETTINGS.byteSize());
        assertEquals(16, Nvml.MEM_SIZE_INFO.byteSize());
        assertEquals(9224, Nvml.GPU_CERTIFICATE.byteSize());
        assertEquals(12332, Nvml.GPU_ATTESTATION_REPORT.byteSize());
        assertEquals(16, Nvml.KEY_ROTATION_THRESHOLD_INFO.byteSize());
    }

    @Test
    void fieldOffsetsMatchTheHeader() {
        assertEquals(8, Nvml.GPU_CERTIFICATE.byteOffset(groupElement("certChain")));
        assertEquals(4104, Nvml.GPU_CERTIFICATE.byteOffset(groupElement("attestationCertChain")));
        assertEquals(12, Nvml.GPU_ATTESTATION_REPORT.byteOffset(groupElement("nonce")));
        assertEquals(44, Nvml.GPU_ATTESTATION_REPORT.byteOffset(groupElement("attestationReport")));
        assertEquals(8236, Nvml.GPU_ATTESTATION_REPORT.byteOffset(groupElement("cecAttestationReport")));
        assertEquals(16, Nvml.SYSTEM_SETTINGS.byteOffset(groupElement("multiGpuMode")));
        assertEquals(8, Nvml.KEY_ROTATION_THRESHOLD_INFO.byteOffset(groupElement("attackerAdvantage")));
        assertEquals(8, Nvml.MEM_SIZE_INFO.byteOffset(groupElement("unprotectedMemSizeKib")));
    }

    @Test
    void versionedStructsCarryTheHeaderVersionWords() {
        assertEquals(0x01000014, Nvml.SYSTEM_SETTINGS_V1);
        assertEquals(0x01000010, Nvml.KEY_ROTATION_THRESHOLD_INFO_V1);
    }

    @Test
    void chunkDescriptorMatchesTheKernelStruct() {
        assertEquals(48, ChunkBatch.DESCRIPTOR.byteSize());
        assertEquals(24, ChunkBatch.DESCRIPTOR.byteOffset(groupElement("length")));
        assertEquals(32, ChunkBatch.DESCRIPTOR.byteOffset(groupElement("key_index")));
        assertEquals(36, ChunkBatch.DESCRIPTOR.byteOffset(groupElement("nonce")));
    }
}
