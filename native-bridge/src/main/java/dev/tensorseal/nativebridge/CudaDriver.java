package dev.tensorseal.nativebridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.tensorseal.nativebridge.internal.NativeLibrary;
import dev.tensorseal.nativebridge.internal.OutParameter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * CUDA driver API ({@code libcuda.so.1}, cuda.h 13.0), versioned symbols as the header maps them.
 * Handles ({@code CUcontext}, {@code CUstream}, ...) are addresses; {@code CUdeviceptr} is a long.
 * Every non-zero {@code CUresult} becomes a {@link NativeException} naming the function, with
 * {@code cuGetErrorName}/{@code cuGetErrorString} text.
 */
@SuppressWarnings("restricted") // binding class: linking and reinterpreting native pointers is its job
final class CudaDriver {
    static final String SONAME = "libcuda.so.1";
    static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int CU_STREAM_NON_BLOCKING = 0x1;
    static final int CU_EVENT_DEFAULT = 0x0;
    static final int CUDA_ERROR_NOT_SUPPORTED = 801;
    static final int CUDA_ERROR_SYSTEM_NOT_READY = 802;

    private static final NativeLibrary LIB = NativeLibrary.open(SONAME, "no NVIDIA driver installed");
    /** A non-zero {@code CUresult} is a failure. */
    private static final OutParameter.Status CU = (function, result, out) -> check(function, (int) result);

    // CUresult cuInit(unsigned int Flags);
    private static final MethodHandle cuInit = LIB.downcall("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // CUresult cuDriverGetVersion(int *driverVersion);
    private static final MethodHandle cuDriverGetVersion =
            LIB.downcall("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuDeviceGetCount(int *count);
    private static final MethodHandle cuDeviceGetCount =
            LIB.downcall("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuDeviceGet(CUdevice *device, int ordinal);
    private static final MethodHandle cuDeviceGet =
            LIB.downcall("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // CUresult cuDeviceGetName(char *name, int len, CUdevice dev);
    private static final MethodHandle cuDeviceGetName =
            LIB.downcall("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    // CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev);
    private static final MethodHandle cuDeviceGetAttribute =
            LIB.downcall("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    // CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev);
    private static final MethodHandle cuDeviceTotalMem_v2 =
            LIB.downcall("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev);
    private static final MethodHandle cuDevicePrimaryCtxRetain =
            LIB.downcall("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev);
    private static final MethodHandle cuDevicePrimaryCtxRelease_v2 =
            LIB.downcall("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // CUresult cuCtxSetCurrent(CUcontext ctx);
    private static final MethodHandle cuCtxSetCurrent =
            LIB.downcall("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuCtxSynchronize(void);
    private static final MethodHandle cuCtxSynchronize = LIB.downcall("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
    // CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize);
    private static final MethodHandle cuMemAlloc_v2 =
            LIB.downcall("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    // CUresult cuMemFree_v2(CUdeviceptr dptr);
    private static final MethodHandle cuMemFree_v2 = LIB.downcall("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    // CUresult cuMemsetD8_v2(CUdeviceptr dstDevice, unsigned char uc, size_t N);
    private static final MethodHandle cuMemsetD8_v2 =
            LIB.downcall("cuMemsetD8_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG));
    // CUresult cuMemsetD8Async(CUdeviceptr dstDevice, unsigned char uc, size_t N, CUstream hStream);
    private static final MethodHandle cuMemsetD8Async =
            LIB.downcall("cuMemsetD8Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS));
    // CUresult cuMemHostAlloc(void **pp, size_t bytesize, unsigned int Flags);
    private static final MethodHandle cuMemHostAlloc =
            LIB.downcall("cuMemHostAlloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // CUresult cuMemFreeHost(void *p);
    private static final MethodHandle cuMemFreeHost = LIB.downcall("cuMemFreeHost", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount, CUstream hStream);
    private static final MethodHandle cuMemcpyHtoDAsync_v2 = LIB.downcall(
            "cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    // CUresult cuMemcpyDtoHAsync_v2(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount, CUstream hStream);
    private static final MethodHandle cuMemcpyDtoHAsync_v2 = LIB.downcall(
            "cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
    // CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount, CUstream hStream);
    private static final MethodHandle cuMemcpyDtoDAsync_v2 = LIB.downcall(
            "cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
    // CUresult cuStreamCreate(CUstream *phStream, unsigned int Flags);
    private static final MethodHandle cuStreamCreate =
            LIB.downcall("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // CUresult cuStreamSynchronize(CUstream hStream);
    private static final MethodHandle cuStreamSynchronize =
            LIB.downcall("cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuStreamDestroy_v2(CUstream hStream);
    private static final MethodHandle cuStreamDestroy_v2 =
            LIB.downcall("cuStreamDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuStreamWaitEvent(CUstream hStream, CUevent hEvent, unsigned int Flags);
    private static final MethodHandle cuStreamWaitEvent =
            LIB.downcall("cuStreamWaitEvent", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    // CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags);
    private static final MethodHandle cuEventCreate =
            LIB.downcall("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // CUresult cuEventRecord(CUevent hEvent, CUstream hStream);
    private static final MethodHandle cuEventRecord =
            LIB.downcall("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // CUresult cuEventSynchronize(CUevent hEvent);
    private static final MethodHandle cuEventSynchronize =
            LIB.downcall("cuEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd);
    private static final MethodHandle cuEventElapsedTime =
            LIB.downcall("cuEventElapsedTime", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    // CUresult cuEventDestroy_v2(CUevent hEvent);
    private static final MethodHandle cuEventDestroy_v2 =
            LIB.downcall("cuEventDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuModuleLoadData(CUmodule *module, const void *image);
    private static final MethodHandle cuModuleLoadData =
            LIB.downcall("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // CUresult cuModuleUnload(CUmodule hmod);
    private static final MethodHandle cuModuleUnload = LIB.downcall("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name);
    private static final MethodHandle cuModuleGetFunction =
            LIB.downcall("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    // CUresult cuLaunchKernel(CUfunction f, unsigned gridDimX, gridDimY, gridDimZ, unsigned blockDimX, blockDimY,
    //                         blockDimZ, unsigned sharedMemBytes, CUstream hStream, void **kernelParams, void **extra);
    private static final MethodHandle cuLaunchKernel = LIB.downcall("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    // CUresult cuGetErrorName(CUresult error, const char **pStr);
    private static final MethodHandle cuGetErrorName =
            LIB.downcall("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    // CUresult cuGetErrorString(CUresult error, const char **pStr);
    private static final MethodHandle cuGetErrorString =
            LIB.downcall("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private CudaDriver() {}

    /** Why the driver library cannot be used; empty when it loaded. */
    static Optional<String> unavailableReason() {
        return LIB.unavailableReason();
    }

    static void cuInit() {
        OutParameter.check("cuInit", CU, () -> (int) LIB.require(cuInit, "cuInit").invokeExact(0));
    }

    static int driverVersion() {
        return OutParameter.readInt("cuDriverGetVersion", CU,
                out -> (int) LIB.require(cuDriverGetVersion, "cuDriverGetVersion").invokeExact(out));
    }

    static int deviceCount() {
        return OutParameter.readInt("cuDeviceGetCount", CU,
                out -> (int) LIB.require(cuDeviceGetCount, "cuDeviceGetCount").invokeExact(out));
    }

    static int device(int ordinal) {
        return OutParameter.readInt("cuDeviceGet", CU,
                out -> (int) LIB.require(cuDeviceGet, "cuDeviceGet").invokeExact(out, ordinal));
    }

    static String deviceName(int device) {
        return OutParameter.read("cuDeviceGetName", MemoryLayout.sequenceLayout(256, JAVA_BYTE), CU,
                name -> (int) LIB.require(cuDeviceGetName, "cuDeviceGetName").invokeExact(name, 256, device),
                name -> name.getString(0));
    }

    static int attribute(int attribute, int device) {
        return OutParameter.readInt("cuDeviceGetAttribute", CU,
                out -> (int) LIB.require(cuDeviceGetAttribute, "cuDeviceGetAttribute").invokeExact(out, attribute, device));
    }

    static long totalMemoryBytes(int device) {
        return OutParameter.readLong("cuDeviceTotalMem_v2", CU,
                out -> (int) LIB.require(cuDeviceTotalMem_v2, "cuDeviceTotalMem_v2").invokeExact(out, device));
    }

    static MemorySegment primaryContextRetain(int device) {
        return OutParameter.readAddress("cuDevicePrimaryCtxRetain", CU,
                out -> (int) LIB.require(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain").invokeExact(out, device));
    }

    static void primaryContextRelease(int device) {
        OutParameter.check("cuDevicePrimaryCtxRelease_v2", CU,
                () -> (int) LIB.require(cuDevicePrimaryCtxRelease_v2, "cuDevicePrimaryCtxRelease_v2")
                        .invokeExact(device));
    }

    static void contextSetCurrent(MemorySegment context) {
        OutParameter.check("cuCtxSetCurrent", CU,
                () -> (int) LIB.require(cuCtxSetCurrent, "cuCtxSetCurrent").invokeExact(context));
    }

    static void contextSynchronize() {
        OutParameter.check("cuCtxSynchronize", CU,
                () -> (int) LIB.require(cuCtxSynchronize, "cuCtxSynchronize").invokeExact());
    }

    static long memAlloc(long bytes) {
        return OutParameter.readLong("cuMemAlloc_v2", CU,
                out -> (int) LIB.require(cuMemAlloc_v2, "cuMemAlloc_v2").invokeExact(out, bytes));
    }

    static void memFree(long devicePointer) {
        OutParameter.check("cuMemFree_v2", CU,
                () -> (int) LIB.require(cuMemFree_v2, "cuMemFree_v2").invokeExact(devicePointer));
    }

    static void memsetD8(long devicePointer, byte value, long bytes) {
        OutParameter.check("cuMemsetD8_v2", CU,
                () -> (int) LIB.require(cuMemsetD8_v2, "cuMemsetD8_v2").invokeExact(devicePointer, value, bytes));
    }

    /** Memset ordered on {@code stream} (cuMemsetD8 runs on the legacy stream, which non-blocking streams do not wait for). */
    static void memsetD8Async(long devicePointer, byte value, long bytes, MemorySegment stream) {
        OutParameter.check("cuMemsetD8Async", CU,
                () -> (int) LIB.require(cuMemsetD8Async, "cuMemsetD8Async")
                        .invokeExact(devicePointer, value, bytes, stream));
    }

    /** Page-locked host memory the driver can DMA from; in CC mode the driver bounces it encrypted. */
    static MemorySegment memHostAlloc(long bytes, int flags) {
        return OutParameter.readAddress("cuMemHostAlloc", CU,
                out -> (int) LIB.require(cuMemHostAlloc, "cuMemHostAlloc").invokeExact(out, bytes, flags)).reinterpret(bytes);
    }

    static void memFreeHost(MemorySegment host) {
        OutParameter.check("cuMemFreeHost", CU,
                () -> (int) LIB.require(cuMemFreeHost, "cuMemFreeHost").invokeExact(host));
    }

    static void memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        OutParameter.check("cuMemcpyHtoDAsync_v2", CU,
                () -> (int) LIB.require(cuMemcpyHtoDAsync_v2, "cuMemcpyHtoDAsync_v2")
                        .invokeExact(dst, src, bytes, stream));
    }

    static void memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        OutParameter.check("cuMemcpyDtoHAsync_v2", CU,
                () -> (int) LIB.require(cuMemcpyDtoHAsync_v2, "cuMemcpyDtoHAsync_v2")
                        .invokeExact(dst, src, bytes, stream));
    }

    static void memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        OutParameter.check("cuMemcpyDtoDAsync_v2", CU,
                () -> (int) LIB.require(cuMemcpyDtoDAsync_v2, "cuMemcpyDtoDAsync_v2")
                        .invokeExact(dst, src, bytes, stream));
    }

    static MemorySegment streamCreate(int flags) {
        return OutParameter.readAddress("cuStreamCreate", CU,
                out -> (int) LIB.require(cuStreamCreate, "cuStreamCreate").invokeExact(out, flags));
    }

    static void streamSynchronize(MemorySegment stream) {
        OutParameter.check("cuStreamSynchronize", CU,
                () -> (int) LIB.require(cuStreamSynchronize, "cuStreamSynchronize").invokeExact(stream));
    }

    static void streamDestroy(MemorySegment stream) {
        OutParameter.check("cuStreamDestroy_v2", CU,
                () -> (int) LIB.require(cuStreamDestroy_v2, "cuStreamDestroy_v2").invokeExact(stream));
    }

    static void streamWaitEvent(MemorySegment stream, MemorySegment event) {
        OutParameter.check("cuStreamWaitEvent", CU,
                () -> (int) LIB.require(cuStreamWaitEvent, "cuStreamWaitEvent").invokeExact(stream, event, 0));
    }

    static MemorySegment eventCreate(int flags) {
        return OutParameter.readAddress("cuEventCreate", CU,
                out -> (int) LIB.require(cuEventCreate, "cuEventCreate").invokeExact(out, flags));
    }

    static void eventRecord(MemorySegment event, MemorySegment stream) {
        OutParameter.check("cuEventRecord", CU,
                () -> (int) LIB.require(cuEventRecord, "cuEventRecord").invokeExact(event, stream));
    }

    static void eventSynchronize(MemorySegment event) {
        OutParameter.check("cuEventSynchronize", CU,
                () -> (int) LIB.require(cuEventSynchronize, "cuEventSynchronize").invokeExact(event));
    }

    static float eventElapsedMillis(MemorySegment start, MemorySegment end) {
        return OutParameter.read("cuEventElapsedTime", JAVA_FLOAT, CU,
                out -> (int) LIB.require(cuEventElapsedTime, "cuEventElapsedTime").invokeExact(out, start, end),
                out -> out.get(JAVA_FLOAT, 0));
    }

    static void eventDestroy(MemorySegment event) {
        OutParameter.check("cuEventDestroy_v2", CU,
                () -> (int) LIB.require(cuEventDestroy_v2, "cuEventDestroy_v2").invokeExact(event));
    }

    /** Loads a cubin, fatbin or NUL-terminated PTX image. */
    static MemorySegment moduleLoadData(MemorySegment image) {
        return OutParameter.readAddress("cuModuleLoadData", CU,
                out -> (int) LIB.require(cuModuleLoadData, "cuModuleLoadData").invokeExact(out, image));
    }

    static void moduleUnload(MemorySegment module) {
        OutParameter.check("cuModuleUnload", CU,
                () -> (int) LIB.require(cuModuleUnload, "cuModuleUnload").invokeExact(module));
    }

    static MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cName = a.allocateFrom(name);
            return OutParameter.readAddress("cuModuleGetFunction", CU,
                    out -> (int) LIB.require(cuModuleGetFunction, "cuModuleGetFunction").invokeExact(out, module, cName));
        }
    }

    /** Launches with {@code kernelParams} = an array of pointers, one to each argument. */
    static void launchKernel(MemorySegment function, int gridX, int blockX, int sharedMemBytes, MemorySegment stream,
                             MemorySegment kernelParams) {
        OutParameter.check("cuLaunchKernel", CU,
                () -> (int) LIB.require(cuLaunchKernel, "cuLaunchKernel").invokeExact(function, gridX, 1,
                    1, blockX, 1, 1, sharedMemBytes, stream, kernelParams, MemorySegment.NULL));
    }

    /** "CUDA_ERROR_X: text" from the driver, or the number when the driver cannot say. */
    static String describe(int result) {
        String name = errorText(cuGetErrorName, result);
        String text = errorText(cuGetErrorString, result);
        return (name == null ? "CUresult " + result : name) + (text == null ? "" : ": " + text);
    }

    /** The driver's text for {@code result}, or null when it has none; never throws (it builds an error message). */
    private static String errorText(MethodHandle handle, int result) {
        if (handle == null) {
            return null;
        }
        try {
            MemorySegment p = OutParameter.readAddress("cuGetErrorName", (function, rc, out) -> {
                if (rc != 0) {
                    throw new NativeException(function, (int) rc, "no text");
                }
            }, out -> (int) handle.invokeExact(result, out));
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(512).getString(0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void check(String function, int result) {
        if (result != 0) {
            throw new NativeException(function, result, describe(result));
        }
    }

    static RuntimeException rethrow(Throwable t) {
        return NativeLibrary.rethrow("a CUDA driver function", t);
    }
}
