package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.Linux;
import dev.tensorseal.nativebridge.internal.OsMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * Opt-in process hardening ({@link SecureMemory#hardenProcess()}): {@code prctl(PR_SET_DUMPABLE, 0)} (no core dumps,
 * no ptrace attach without CAP_SYS_PTRACE) and {@code RLIMIT_CORE} 0.
 */
final class ProcessHardening {
    private ProcessHardening() {}

    /** One line per step done; a failed step is degraded (strict: thrown) and reported. */
    static List<String> apply(OsMemory os, String unavailableReason, Degradations degradations) {
        List<String> done = new ArrayList<>();
        if (os == null) {
            degradations.degrade("harden", "unavailable: " + unavailableReason, null);
            done.add("unavailable: " + unavailableReason);
            return done;
        }
        try {
            os.prctl(Linux.PR_SET_DUMPABLE, 0);
            done.add("prctl(PR_SET_DUMPABLE, 0)");
        } catch (NativeException e) {
            degradations.degrade("harden", e.getMessage(), e);
            done.add("failed: " + e.getMessage());
        }
        try {
            os.setrlimit(Linux.RLIMIT_CORE, 0, 0);
            done.add("setrlimit(RLIMIT_CORE, 0, 0)");
        } catch (NativeException e) {
            degradations.degrade("harden", e.getMessage(), e);
            done.add("failed: " + e.getMessage());
        }
        return done;
    }
}
