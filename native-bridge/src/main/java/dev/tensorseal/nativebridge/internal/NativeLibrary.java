package dev.tensorseal.nativebridge.internal;

import dev.tensorseal.nativebridge.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An optional native library, opened once: either a symbol lookup or the reason it is unavailable. The one loading
 * pattern of every binding class in this module (CUDA driver, NVML, OpenSSL's libcrypto, the bundled libraries).
 * Opening never throws, so binding classes keep their handles in static finals without a failed class
 * initialisation when the library (or native access) is missing; a symbol the library lacks is recorded, and
 * {@link #require} names it when it is called.
 */
@SuppressWarnings("restricted") // binding class: linking and reinterpreting native pointers is its job
public final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final SymbolLookup lookup;
    private final String unavailableReason;
    private final List<String> missing = new ArrayList<>();

    private NativeLibrary(String name, SymbolLookup lookup, String unavailableReason) {
        this.name = name;
        this.lookup = lookup;
        this.unavailableReason = unavailableReason;
    }

    /**
     * Opens a library by soname through the dynamic loader's search path.
     *
     * @param whenMissing what a user installs to get it, for the reason ("no NVIDIA driver installed")
     */
    public static NativeLibrary open(String soname, String whenMissing) {
        String unsupported = unsupportedHere();
        if (unsupported != null) {
            return new NativeLibrary(soname, null, unsupported);
        }
        try {
            return new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global()), null);
        } catch (IllegalArgumentException e) {
            return new NativeLibrary(soname, null, soname + " not found (" + whenMissing + ")");
        } catch (IllegalCallerException e) {
            return new NativeLibrary(soname, null, nativeAccessHint());
        }
    }

    /** Opens a library file; an absent path gives the reason instead. */
    public static NativeLibrary open(String name, Optional<Path> file, String whyAbsent) {
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

    /**
     * Why a library opened by soname cannot be bound in this JVM at all, or null. Checked before the lookup so a JVM
     * without the grant reports it instead of printing the restricted-method warning.
     */
    private static String unsupportedHere() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return "native libraries are bound on Linux only (this is " + System.getProperty("os.name") + ")";
        }
        if (!Bindings.nativeAccessEnabled()) {
            return nativeAccessHint();
        }
        return null;
    }

    public static String nativeAccessHint() {
        return "native access is not enabled: run java with --enable-native-access=dev.tensorseal.nativebridge"
                + " (module path) or --enable-native-access=ALL-UNNAMED (class path)";
    }

    public String name() {
        return name;
    }

    public boolean available() {
        return lookup != null;
    }

    /** Why the library cannot be used; empty when it can. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    /** The symbols {@link #downcall} looked for and did not find, in the order asked. */
    public synchronized List<String> missingSymbols() {
        return List.copyOf(missing);
    }

    /** A downcall handle for {@code symbol}, or null (recorded in {@link #missingSymbols}) when the library or the symbol is missing. */
    public MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        if (lookup == null) {
            return null;
        }
        Optional<MethodHandle> handle = lookup.find(symbol).map(address -> LINKER.downcallHandle(address, descriptor, options));
        if (handle.isEmpty()) {
            synchronized (this) {
                missing.add(symbol);
            }
        }
        return handle.orElse(null);
    }

    /** Throws when the library is unavailable or {@code handle} (for {@code symbol}) was not found. */
    public MethodHandle require(MethodHandle handle, String symbol) {
        if (lookup == null) {
            throw new NativeException(symbol, 0, "unavailable: " + unavailableReason);
        }
        if (handle == null) {
            throw new NativeException(symbol, 0, "symbol not found in " + name + " (library too old?)");
        }
        return handle;
    }

    /**
     * What a binding throws for a {@code Throwable} out of {@code invokeExact}: runtime exceptions (a
     * {@link NativeException} among them) and errors as they are, anything else wrapped naming {@code function}.
     */
    public static RuntimeException rethrow(String function, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new NativeException(function + " could not be called: " + t, t);
    }
}
