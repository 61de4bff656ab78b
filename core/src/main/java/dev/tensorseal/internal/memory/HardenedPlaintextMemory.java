package dev.tensorseal.internal.memory;

import dev.tensorseal.CapacityException;
import dev.tensorseal.internal.store.ArenaPlaintextMemory;
import dev.tensorseal.internal.store.PlaintextMemory;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.SecureRegion;
import java.lang.foreign.MemorySegment;

/**
 * View plaintext in the native bridge's hardened pages: guard pages on both sides, MADV_DONTDUMP,
 * MADV_WIPEONFORK, locked while the memory-lock budget lasts, {@code explicit_bzero} on release.
 * Beyond the budget the bridge's policy decides: best-effort keeps every protection but the lock
 * (and counts the unlocked bytes), strict refuses, which surfaces here as a {@link CapacityException}.
 */
public final class HardenedPlaintextMemory implements PlaintextMemory {
    private static final PlaintextMemory SYSTEM = choose(SecureMemory.system());

    private final SecureMemory memory;

    public HardenedPlaintextMemory(SecureMemory memory) {
        this.memory = memory;
    }

    /** Hardened memory when the bridge's binding is available, else plain off-heap memory (zeroed on close). */
    public static PlaintextMemory system() {
        return SYSTEM;
    }

    static PlaintextMemory choose(SecureMemory memory) {
        return memory.isAvailable() ? new HardenedPlaintextMemory(memory) : ArenaPlaintextMemory.INSTANCE;
    }

    @Override
    public Block allocate(long bytes) {
        SecureRegion region;
        try {
            region = memory.allocate(bytes);
        } catch (NativeException e) {
            throw new CapacityException("cannot allocate " + bytes + " bytes of hardened view memory: " + e.getMessage());
        }
        MemorySegment segment = region.segment();
        return new Block() {
            @Override
            public MemorySegment segment() {
                return segment;
            }

            @Override
            public void close() {
                region.close();
            }
        };
    }
}
