package dev.tensorseal.nativebridge;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An optional native library, opened once: either a symbol lookup or the reason it is unavailable.
 * Opening never throws, so binding classes can keep their handles in static finals without a
 * failed class initialisation when the library (or native access) is missing.
 */
@SuppressWarnings("restricted") // binding class: linking and reinterpreting native pointers is its job
final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final SymbolLookup lookup;
    private final String unavailableReason;

    private NativeLibrary(String name, SymbolLookup lookup, String unavailableReason) {
        this.name = name;
        this.lookup = lookup;
        this.unavailableReason = unavailableReason;
    }

    /** Opens a library by soname through the dynamic loader's search path. */
    static NativeLibrary open(String soname) {
        try {
            return new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global()), null);
        } catch (IllegalArgumentException e) {
            return new NativeLibrary(soname, null, soname + " not found (no NVIDIA driver installed)");
        } catch (IllegalCallerException e) {
            return new NativeLibrary(soname, null, nativeAccessHint());
        }
    }

    /** Opens a library file; an absent path gives the reason instead. */
    static NativeLibrary open(String name, Optional<Path> file, String whyAbsent) {
        if (file.isEmpty()) {
            return new NativeLibrary(name, null, whyAbsent);
        }
        try {
            return new NativeLibrary(name, SymbolLookup.libraryLookup(file.get(), Arena.global()), null);
        } catch (IllegalArgumentException e) {
            return new NativeLibrary(name, null, name + " could not be loaded from " + file.get());
        } catch (IllegalCallerException e) {
            return new NativeLibrary(name, null, nativeAccessHint());
        }
    }

    static String nativeAccessHint() {
        return "native access is not enabled: run java with --enable-native-access=dev.tensorseal.nativebridge"
                + " (module path) or --enable-native-access=ALL-UNNAMED (class path)";
    }

    String name() {
        return name;
    }

    boolean available() {
        return lookup != null;
    }

    /** Why the library cannot be used; empty when it can. */
    Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    /** A downcall handle for {@code symbol}, or null when the library or the symbol is missing. */
    MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        if (lookup == null) {
            return null;
        }
        return lookup.find(symbol).map(address -> LINKER.downcallHandle(address, descriptor, options)).orElse(null);
    }

    /** Throws when the library is unavailable or {@code handle} (for {@code symbol}) was not found. */
    MethodHandle require(MethodHandle handle, String symbol) {
        if (lookup == null) {
            throw new NativeException(symbol, 0, "unavailable: " + unavailableReason);
        }
        if (handle == null) {
            throw new NativeException(symbol, 0, "symbol not found in " + name + " (driver too old?)");
        }
        return handle;
    }
}
