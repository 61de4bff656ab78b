package dev.tensorseal.nativebridge;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.internal.NativeLibrary;
import dev.tensorseal.nativebridge.internal.OutParameter;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * NVML ({@code libnvidia-ml.so.1}, nvml.h 13.3 / 12.2; CC structs identical), {@code _v2} symbols.
 * Layouts are exactly those of shared/reference/nvidia-cc.md (sizes checked by a test). Every
 * non-zero {@code nvmlReturn_t} becomes a {@link NativeException} with {@code nvmlErrorString}.
 */
@SuppressWarnings("restricted") // binding class: linking and reinterpreting native pointers is its job
final class Nvml {
    static final String SONAME = "libnvidia-ml.so.1";
    static final int NVML_ERROR_NOT_SUPPORTED = 3;
    static final int NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96;
    static final int NVML_CC_GPU_CEC_NONCE_SIZE = 0x20;

    /** nvmlConfComputeSystemCaps_t: cpuCaps, gpusCaps (8 bytes). */
    static final StructLayout SYSTEM_CAPS = structLayout(JAVA_INT.withName("cpuCaps"), JAVA_INT.withName("gpusCaps"));
    /** nvmlConfComputeSystemState_t (12 bytes). */
    static final StructLayout SYSTEM_STATE = structLayout(JAVA_INT.withName("environment"),
            JAVA_INT.withName("ccFeature"), JAVA_INT.withName("devToolsMode"));
    /** nvmlSystemConfComputeSettings_v1_t (20 bytes); version must be set before the call. */
    static final StructLayout SYSTEM_SETTINGS = structLayout(JAVA_INT.withName("version"),
            JAVA_INT.withName("environment"), JAVA_INT.withName("ccFeature"), JAVA_INT.withName("devToolsMode"),
            JAVA_INT.withName("multiGpuMode"));
    static final int SYSTEM_SETTINGS_V1 = (int) SYSTEM_SETTINGS.byteSize() | (1 << 24); // 0x01000014
    /** nvmlConfComputeMemSizeInfo_t (16 bytes). */
    static final StructLayout MEM_SIZE_INFO =
            structLayout(JAVA_LONG.withName("protectedMemSizeKib"), JAVA_LONG.withName("unprotectedMemSizeKib"));
    /** nvmlConfComputeGpuCertificate_t (9224 bytes). */
    static final StructLayout GPU_CERTIFICATE = structLayout(JAVA_INT.withName("certChainSize"),
            JAVA_INT.withName("attestationCertChainSize"), sequenceLayout(0x1000, JAVA_BYTE).withName("certChain"),
            sequenceLayout(0x1400, JAVA_BYTE).withName("attestationCertChain"));
    /** nvmlConfComputeGpuAttestationReport_t (12332 bytes); nonce is an input. */
    static final StructLayout GPU_ATTESTATION_REPORT = structLayout(
            JAVA_INT.withName("isCecAttestationReportPresent"), JAVA_INT.withName("attestationReportSize"),
            JAVA_INT.withName("cecAttestationReportSize"),
            sequenceLayout(NVML_CC_GPU_CEC_NONCE_SIZE, JAVA_BYTE).withName("nonce"),
            sequenceLayout(0x2000, JAVA_BYTE).withName("attestationReport"),
            sequenceLayout(0x1000, JAVA_BYTE).withName("cecAttestationReport"));
    /** nvmlConfComputeGetKeyRotationThresholdInfo_v1_t (16 bytes, 4 bytes padding after version). */
    static final StructLayout KEY_ROTATION_THRESHOLD_INFO = structLayout(JAVA_INT.withName("version"),
            paddingLayout(4), JAVA_LONG.withName("attackerAdvantage"));
    static final int KEY_ROTATION_THRESHOLD_INFO_V1 = (int) KEY_ROTATION_THRESHOLD_INFO.byteSize() | (1 << 24);

    private static final NativeLibrary LIB = NativeLibrary.open(SONAME, "no NVIDIA driver installed");
    /** A non-zero {@code nvmlReturn_t} is a failure. */
    private static final OutParameter.Status NVML = (function, result, out) -> check(function, (int) result);

    // nvmlReturn_t nvmlInit_v2(void);
    private static final MethodHandle nvmlInit_v2 = LIB.downcall("nvmlInit_v2", FunctionDescriptor.of(JAVA_INT));
    // nvmlReturn_t nvmlShutdown(void);
    private static final MethodHandle nvmlShutdown = LIB.downcall("nvmlShutdown", FunctionDescriptor.of(JAVA_INT));
    // const char* nvmlErrorString(nvmlReturn_t result);
    private static final MethodHandle nvmlErrorString =
            LIB.downcall("nvmlErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    // nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount);
    private static final MethodHandle nvmlDeviceGetCount_v2 =
            LIB.downcall("nvmlDeviceGetCount_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device);
    private static final MethodHandle nvmlDeviceGetHandleByIndex_v2 =
            LIB.downcall("nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    // nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length);
    private static final MethodHandle nvmlDeviceGetName =
            LIB.downcall("nvmlDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    // nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, nvmlDeviceArchitecture_t *arch);
    private static final MethodHandle nvmlDeviceGetArchitecture =
            LIB.downcall("nvmlDeviceGetArchitecture", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // nvmlReturn_t nvmlSystemGetConfComputeCapabilities(nvmlConfComputeSystemCaps_t *capabilities);
    private static final MethodHandle nvmlSystemGetConfComputeCapabilities =
            LIB.downcall("nvmlSystemGetConfComputeCapabilities", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // nvmlReturn_t nvmlSystemGetConfComputeState(nvmlConfComputeSystemState_t *state);
    private static final MethodHandle nvmlSystemGetConfComputeState =
            LIB.downcall("nvmlSystemGetConfComputeState", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // nvmlReturn_t nvmlSystemGetConfComputeSettings(nvmlSystemConfComputeSettings_t *settings);
    private static final MethodHandle nvmlSystemGetConfComputeSettings =
            LIB.downcall("nvmlSystemGetConfComputeSettings", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // nvmlReturn_t nvmlSystemGetConfComputeGpusReadyState(unsigned int *isAcceptingWork);
    private static final MethodHandle nvmlSystemGetConfComputeGpusReadyState =
            LIB.downcall("nvmlSystemGetConfComputeGpusReadyState", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // nvmlReturn_t nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t device, nvmlConfComputeMemSizeInfo_t *memInfo);
    private static final MethodHandle nvmlDeviceGetConfComputeMemSizeInfo =
            LIB.downcall("nvmlDeviceGetConfComputeMemSizeInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // nvmlReturn_t nvmlDeviceGetConfComputeGpuCertificate(nvmlDevice_t device, nvmlConfComputeGpuCertificate_t *gpuCert);
    private static final MethodHandle nvmlDeviceGetConfComputeGpuCertificate =
            LIB.downcall("nvmlDeviceGetConfComputeGpuCertificate", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // nvmlReturn_t nvmlSystemSetConfComputeGpusReadyState(unsigned int isAcceptingWork);
    private static final MethodHandle nvmlSystemSetConfComputeGpusReadyState =
            LIB.downcall("nvmlSystemSetConfComputeGpusReadyState", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // nvmlReturn_t nvmlDeviceGetConfComputeGpuAttestationReport(nvmlDevice_t device,
    //                                                           nvmlConfComputeGpuAttestationReport_t *gpuAtstReport);
    private static final MethodHandle nvmlDeviceGetConfComputeGpuAttestationReport = LIB.downcall(
            "nvmlDeviceGetConfComputeGpuAttestationReport", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // nvmlReturn_t nvmlSystemGetConfComputeKeyRotationThresholdInfo(
    //         nvmlConfComputeGetKeyRotationThresholdInfo_t *pKeyRotationThrInfo);
    private static final MethodHandle nvmlSystemGetConfComputeKeyRotationThresholdInfo = LIB.downcall(
            "nvmlSystemGetConfComputeKeyRotationThresholdInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Nvml() {}

    static Optional<String> unavailableReason() {
        return LIB.unavailableReason();
    }

    static void init() {
        OutParameter.check("nvmlInit_v2", NVML, () -> (int) LIB.require(nvmlInit_v2, "nvmlInit_v2").invokeExact());
    }

    static void shutdown() {
        OutParameter.check("nvmlShutdown", NVML, () -> (int) LIB.require(nvmlShutdown, "nvmlShutdown").invokeExact());
    }

    static int deviceCount() {
        return OutParameter.readInt("nvmlDeviceGetCount_v2", NVML,
                out -> (int) LIB.require(nvmlDeviceGetCount_v2, "nvmlDeviceGetCount_v2").invokeExact(out));
    }

    static MemorySegment deviceHandle(int index) {
        return OutParameter.readAddress("nvmlDeviceGetHandleByIndex_v2", NVML, out -> (int) LIB.require(
                nvmlDeviceGetHandleByIndex_v2, "nvmlDeviceGetHandleByIndex_v2").invokeExact(index, out));
    }

    static String deviceName(MemorySegment device) {
        return OutParameter.read("nvmlDeviceGetName", sequenceLayout(NVML_DEVICE_NAME_V2_BUFFER_SIZE, JAVA_BYTE), NVML,
                name -> (int) LIB.require(nvmlDeviceGetName, "nvmlDeviceGetName")
                        .invokeExact(device, name, NVML_DEVICE_NAME_V2_BUFFER_SIZE),
                name -> name.getString(0));
    }

    /** nvmlDeviceArchitecture_t: 7 Ampere, 8 Ada, 9 Hopper, 10 Blackwell, 13 Rubin. */
    static int deviceArchitecture(MemorySegment device) {
        return OutParameter.readInt("nvmlDeviceGetArchitecture", NVML, out -> (int) LIB.require(
                nvmlDeviceGetArchitecture, "nvmlDeviceGetArchitecture").invokeExact(device, out));
    }

    /** {cpuCaps, gpusCaps}. */
    static int[] confComputeCapabilities() {
        return ints("nvmlSystemGetConfComputeCapabilities", nvmlSystemGetConfComputeCapabilities, SYSTEM_CAPS, -1);
    }

    /** {environment, ccFeature, devToolsMode}. */
    static int[] confComputeState() {
        return ints("nvmlSystemGetConfComputeState", nvmlSystemGetConfComputeState, SYSTEM_STATE, -1);
    }

    /** {version, environment, ccFeature, devToolsMode, multiGpuMode}. */
    static int[] confComputeSettings() {
        return ints("nvmlSystemGetConfComputeSettings", nvmlSystemGetConfComputeSettings, SYSTEM_SETTINGS,
                SYSTEM_SETTINGS_V1);
    }

    static boolean confComputeGpusReady() {
        String function = "nvmlSystemGetConfComputeGpusReadyState";
        return OutParameter.readInt(function, NVML,
                out -> (int) LIB.require(nvmlSystemGetConfComputeGpusReadyState, function).invokeExact(out)) == 1;
    }

    /** Marks the GPUs as accepting work (1) or not (0); CUDA answers 802 until they accept work. */
    static void setConfComputeGpusReady(boolean accepting) {
        OutParameter.check("nvmlSystemSetConfComputeGpusReadyState", NVML,
                () -> (int) LIB.require(nvmlSystemSetConfComputeGpusReadyState, "nvmlSystemSetConfComputeGpusReadyState")
                        .invokeExact(accepting ? 1 : 0));
    }

    /** {protectedMemSizeKib, unprotectedMemSizeKib}. */
    static long[] confComputeMemSizeInfoKib(MemorySegment device) {
        return ofDevice("nvmlDeviceGetConfComputeMemSizeInfo", nvmlDeviceGetConfComputeMemSizeInfo, device, MEM_SIZE_INFO,
                out -> { }, info -> new long[] {info.get(JAVA_LONG, 0), info.get(JAVA_LONG, 8)});
    }

    /** {certChain, attestationCertChain}, each cut to its reported size. */
    static byte[][] confComputeGpuCertificate(MemorySegment device) {
        return ofDevice("nvmlDeviceGetConfComputeGpuCertificate", nvmlDeviceGetConfComputeGpuCertificate, device,
                GPU_CERTIFICATE, out -> { }, cert -> new byte[][] {
                    field(cert, GPU_CERTIFICATE, "certChain", cert.get(JAVA_INT, 0)),
                    field(cert, GPU_CERTIFICATE, "attestationCertChain", cert.get(JAVA_INT, 4))
                });
    }

    /** {attestationReport, cecAttestationReport (empty when absent)} for a caller's 32-byte nonce. */
    static byte[][] confComputeGpuAttestationReport(MemorySegment device, byte[] nonce) {
        if (nonce.length != NVML_CC_GPU_CEC_NONCE_SIZE) {
            throw new IllegalArgumentException("attestation nonce must be 32 bytes, got " + nonce.length);
        }
        return ofDevice("nvmlDeviceGetConfComputeGpuAttestationReport", nvmlDeviceGetConfComputeGpuAttestationReport,
                device, GPU_ATTESTATION_REPORT,
                report -> MemorySegment.copy(nonce, 0, report, JAVA_BYTE,
                        GPU_ATTESTATION_REPORT.byteOffset(PathElement.groupElement("nonce")), nonce.length),
                report -> new byte[][] {
                    field(report, GPU_ATTESTATION_REPORT, "attestationReport", report.get(JAVA_INT, 4)),
                    report.get(JAVA_INT, 0) == 1
                            ? field(report, GPU_ATTESTATION_REPORT, "cecAttestationReport", report.get(JAVA_INT, 8))
                            : new byte[0]
                });
    }

    /** The current key-rotation threshold (attacker advantage, 50..65). */
    static long confComputeKeyRotationAttackerAdvantage() {
        String function = "nvmlSystemGetConfComputeKeyRotationThresholdInfo";
        return OutParameter.read(function, KEY_ROTATION_THRESHOLD_INFO,
                info -> info.set(JAVA_INT, 0, KEY_ROTATION_THRESHOLD_INFO_V1), NVML,
                info -> (int) LIB.require(nvmlSystemGetConfComputeKeyRotationThresholdInfo, function).invokeExact(info),
                info -> info.get(JAVA_LONG, 8));
    }

    static String errorString(int result) {
        if (nvmlErrorString == null) {
            return "nvmlReturn_t " + result;
        }
        try {
            MemorySegment p = (MemorySegment) nvmlErrorString.invokeExact(result);
            return p.equals(MemorySegment.NULL) ? "nvmlReturn_t " + result : p.reinterpret(512).getString(0);
        } catch (Throwable t) {
            return "nvmlReturn_t " + result;
        }
    }

    static void check(String function, int result) {
        if (result != 0) {
            throw new NativeException(function, result, errorString(result));
        }
    }

    private static byte[] field(MemorySegment struct, StructLayout layout, String name, int size) {
        long capacity = layout.select(PathElement.groupElement(name)).byteSize();
        if (size < 0 || size > capacity) {
            throw new NativeException(name + " size " + size + " outside 0.." + capacity + " reported by NVML", null);
        }
        return struct.asSlice(layout.byteOffset(PathElement.groupElement(name)), size).toArray(JAVA_BYTE);
    }

    /** A system-wide struct of ints, its version field set first when {@code version} is not -1. */
    private static int[] ints(String function, MethodHandle h, StructLayout layout, int version) {
        return OutParameter.read(function, layout, s -> {
            if (version != -1) {
                s.set(JAVA_INT, 0, version);
            }
        }, NVML, s -> (int) LIB.require(h, function).invokeExact(s), s -> s.toArray(JAVA_INT));
    }

    /** {@code nvmlReturn_t f(nvmlDevice_t device, T *out)}. */
    private static <T> T ofDevice(String function, MethodHandle h, MemorySegment device, StructLayout layout,
            Consumer<MemorySegment> prepare, OutParameter.Reader<T> reader) {
        return OutParameter.read(function, layout, prepare, NVML,
                out -> (int) LIB.require(h, function).invokeExact(device, out), reader);
    }
}
