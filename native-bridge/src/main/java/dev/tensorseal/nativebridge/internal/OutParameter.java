package dev.tensorseal.nativebridge.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * The FFM out-parameter idiom, written once: allocate the parameter, call, check the status, read the result, free.
 * The bindings (CUDA driver, NVML, libc) differ only in how a status becomes an exception, which each passes as a
 * {@link Status}; libc's captured errno is the out parameter of its errno-setting calls.
 */
public final class OutParameter {
    private OutParameter() {}

    /** One native call given the out parameter; returns its status or result. */
    @FunctionalInterface
    public interface Call {
        long invoke(MemorySegment out) throws Throwable;
    }

    /** Throws, naming {@code function}, when {@code result} (and what the call wrote to {@code out}) is a failure. */
    @FunctionalInterface
    public interface Status {
        void check(String function, long result, MemorySegment out);
    }

    /** A native call with no out parameter; returns its status. */
    @FunctionalInterface
    public interface StatusCall {
        long invoke() throws Throwable;
    }

    /** Reads the answer from the out parameter once the status passed. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(MemorySegment out);
    }

    /** The idiom's degenerate case, a call with nothing to read back: only {@code status} checks it ({@code out} is NULL). */
    public static void check(String function, Status status, StatusCall call) {
        try {
            status.check(function, call.invoke(), MemorySegment.NULL);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(function, t);
        }
    }

    /** {@code call} with a fresh {@code layout}, checked by {@code status}; {@code reader}'s answer. */
    public static <T> T read(String function, MemoryLayout layout, Status status, Call call, Reader<T> reader) {
        return read(function, layout, out -> { }, status, call, reader);
    }

    /** As {@link #read(String, MemoryLayout, Status, Call, Reader)}, with input fields set by {@code prepare} (struct versions, nonces). */
    public static <T> T read(String function, MemoryLayout layout, Consumer<MemorySegment> prepare, Status status, Call call,
            Reader<T> reader) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(layout);
            prepare.accept(out);
            status.check(function, call.invoke(out), out);
            return reader.read(out);
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(function, t);
        }
    }

    public static int readInt(String function, Status status, Call call) {
        return read(function, JAVA_INT, status, call, out -> out.get(JAVA_INT, 0));
    }

    public static long readLong(String function, Status status, Call call) {
        return read(function, JAVA_LONG, status, call, out -> out.get(JAVA_LONG, 0));
    }

    public static MemorySegment readAddress(String function, Status status, Call call) {
        return read(function, ADDRESS, status, call, out -> out.get(ADDRESS, 0));
    }

    /**
     * {@code call}'s own result, for calls whose out parameter only reports the failure (libc's errno capture).
     * Not built on {@link #read} so a hot call such as {@code pread} boxes nothing.
     */
    public static long call(String function, MemoryLayout layout, Status status, Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(layout);
            long result = call.invoke(out);
            status.check(function, result, out);
            return result;
        } catch (Throwable t) {
            throw NativeLibrary.rethrow(function, t);
        }
    }
}
