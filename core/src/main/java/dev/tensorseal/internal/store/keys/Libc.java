package dev.tensorseal.internal.store.keys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** libc's environment lookup, bound lazily through FFM. */
final class Libc {
    private Libc() {}

    private static final class Holder {
        // char *getenv(const char *name);
        private static final MethodHandle getenv;
        // size_t strlen(const char *s);
        private static final MethodHandle strlen;

        static {
            Linker linker = Linker.nativeLinker();
            getenv = linker.downcallHandle(linker.defaultLookup().find("getenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            strlen = linker.downcallHandle(linker.defaultLookup().find("strlen").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        }
    }

    /** The variable's value bytes (a view of the process environment, not a copy), or null when unset. */
    static MemorySegment getenv(MemorySegment cName) throws Throwable {
        MemorySegment p = (MemorySegment) Holder.getenv.invokeExact(cName);
        if (p.equals(MemorySegment.NULL)) {
            return null;
        }
        long n = (long) Holder.strlen.invokeExact(p);
        return p.reinterpret(n);
    }
}
