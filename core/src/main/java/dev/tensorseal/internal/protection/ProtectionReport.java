package dev.tensorseal.internal.protection;

import dev.tensorseal.Protection;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.memory.HardenedPlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextMemory;
import dev.tensorseal.nativebridge.CpuAesGcm;
import dev.tensorseal.nativebridge.MemoryStatus;
import dev.tensorseal.nativebridge.SecureMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Works out a store's {@link Protection}, and warns once per process when the library itself fell back to weaker
 * protection than asked for by default (no native access: plain memory and {@code jce} instead of hardened memory and
 * {@code vaes}). A weaker engine or memory the caller chose is reported by {@code protection()} but not warned about.
 */
public final class ProtectionReport {
    private static final System.Logger LOG = System.getLogger("dev.tensorseal.protection");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private ProtectionReport() {}

    /** The protection of a store using {@code engine} and view memory {@code memory}. */
    public static Protection of(String engine, PlaintextMemory memory) {
        return of(engine, memory, SecureMemory.system());
    }

    static Protection of(String engine, PlaintextMemory memory, SecureMemory system) {
        List<String> reasons = new ArrayList<>();
        boolean offHeap = engine.equals("vaes") || engine.equals("ossl");
        if (!offHeap) {
            reasons.add("engine " + engine + " stages each chunk through a Java heap buffer (zeroed after it): "
                    + (engineFellBack(engine) ? "vaes is unavailable: " + CpuAesGcm.unavailableReason().orElse("")
                            : "chosen by the caller or -Dtensorseal.engine"));
        }
        boolean hardened = memory instanceof HardenedPlaintextMemory;
        MemoryStatus status = system.status();
        if (!hardened) {
            reasons.add("views use plain off-heap memory (zeroed on close; no guard pages, may be dumped or swapped): "
                    + (memoryFellBack(memory, system) ? "hardened memory is unavailable: " + status.unavailableReason()
                            : "chosen by the caller"));
        }
        boolean locked = hardened && status.mlock();
        if (hardened && !locked) {
            reasons.add(status.unlockedBytes() + " bytes of view memory are not locked (RLIMIT_MEMLOCK soft "
                    + MemoryStatus.limit(status.memlockSoftBytes()) + ", lock budget " + MemoryStatus.limit(status.lockBudgetBytes())
                    + "): they may be swapped out");
        }
        return new Protection(engine, offHeap, hardened, locked, reasons);
    }

    /**
     * Logs one warning, the first time in this process that a store's protection is weaker than the default would
     * give because something the library needs is missing (not because the caller chose so).
     */
    public static void warnOnceIfFellBack(String engine, PlaintextMemory memory) {
        if (WARNED.get()) {
            return;
        }
        boolean fellBack = engineFellBack(engine) || memoryFellBack(memory, SecureMemory.system());
        if (fellBack && WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "tensorseal fell back to weaker protection: {0}"
                    + " (TensorStore.protection() reports it; tensorseal doctor says more)", of(engine, memory).summary());
        }
    }

    /** The store runs the default engine, which is not vaes only because a setup step is missing (not the CPU). */
    private static boolean engineFellBack(String engine) {
        return !engine.equals("vaes") && System.getProperty("tensorseal.engine") == null && engine.equals(GcmEngine.defaultName())
                && CpuAesGcm.unavailableReason().isPresent() && !CpuAesGcm.unsupportedMachine();
    }

    /** The store has the default view memory, which is plain because hardened memory is unavailable. */
    private static boolean memoryFellBack(PlaintextMemory memory, SecureMemory system) {
        return memory == HardenedPlaintextMemory.system() && !(memory instanceof HardenedPlaintextMemory) && !system.isAvailable();
    }
}
