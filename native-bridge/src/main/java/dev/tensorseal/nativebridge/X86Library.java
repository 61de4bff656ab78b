package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.NativeLibrary;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Whether one of the project's x86-64 C libraries (the vaes engine, the key wrap) can run here, and if not, why: the
 * probe they share (platform, library packaged and loadable, ABI version, the CPU's instructions). Reasons that no
 * build or install step can change start with {@link #NOT_THIS_MACHINE}, so tests and {@code doctor} can tell a
 * machine that cannot run the code from a build that forgot to package it.
 */
final class X86Library {
    /** The prefix of the reasons that are the machine's own. */
    static final String NOT_THIS_MACHINE = "not for this machine: ";

    private final String prefix;
    private final String unavailable;

    private X86Library(String prefix, String unavailable) {
        this.prefix = prefix;
        this.unavailable = unavailable;
    }

    /**
     * Probes {@code lib}.
     *
     * @param what        the code, for messages ("the vaes engine")
     * @param prefix      the C symbols' prefix, for the error a call gives when the library cannot run ("tsg")
     * @param abiVersion  {@code uint32_t PREFIX_abi_version(void)}
     * @param expectedAbi the ABI the Java binding was written for
     * @param supported   {@code int PREFIX_supported(void)}: 1 when this CPU has the instructions
     * @param lacking     why the CPU cannot run it, when {@code supported} says 0
     */
    static X86Library probe(NativeLibrary lib, String libraryName, String what, String prefix, MethodHandle abiVersion,
            int expectedAbi, MethodHandle supported, String lacking) {
        return new X86Library(prefix, reason(lib, libraryName, what, prefix, abiVersion, expectedAbi, supported, lacking));
    }

    private static String reason(NativeLibrary lib, String libraryName, String what, String prefix, MethodHandle abiVersion,
            int expectedAbi, MethodHandle supported, String lacking) {
        if (!BundledResources.platform().endsWith("-x86_64")) {
            return NOT_THIS_MACHINE + what + " is x86-64 code, this is " + BundledResources.platform();
        }
        if (!lib.available()) {
            return lib.unavailableReason().orElseThrow();
        }
        try {
            int abi = (int) lib.require(abiVersion, prefix + "_abi_version").invokeExact();
            if (abi != expectedAbi) {
                return libraryName + " has ABI " + abi + ", this binding expects " + expectedAbi;
            }
            if ((int) lib.require(supported, prefix + "_supported").invokeExact() != 1) {
                return NOT_THIS_MACHINE + lacking;
            }
            return null;
        } catch (Throwable t) {
            throw CudaDriver.rethrow(t);
        }
    }

    /** Why the library cannot run here; empty when it can. */
    Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailable);
    }

    /** True when the machine itself rules the library out (not x86-64, a CPU without the instructions). */
    boolean unsupportedMachine() {
        return unavailable != null && unavailable.startsWith(NOT_THIS_MACHINE);
    }

    boolean available() {
        return unavailable == null;
    }

    /** Throws the {@link NativeException} a call gets when the library cannot run here. */
    void requireAvailable() {
        if (unavailable != null) {
            throw new NativeException(prefix, 0, "unavailable: " + unavailable);
        }
    }
}
