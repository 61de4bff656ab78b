package dev.tensorseal.internal.memory;

import dev.tensorseal.internal.crypto.KeyMemory;
import dev.tensorseal.nativebridge.MemoryPolicy;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.SecureRegion;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key material in the native bridge's hardened memory: memfd_secret pages where the kernel allows
 * it, else locked, don't-dump, guarded pages. {@link KeyMemory} installs it at start-up when the
 * bridge is available; otherwise keys stay in plain off-heap memory, zeroed on close.
 */
public final class HardenedKeyMemory implements KeyMemory.Allocator {
    private final SecureMemory memory;
    private final Map<Long, SecureRegion> regions = new ConcurrentHashMap<>();

    public HardenedKeyMemory(SecureMemory memory) {
        this.memory = memory;
    }

    /** The allocator over {@link SecureMemory#system()}, or null when its binding is unavailable. */
    public static KeyMemory.Allocator systemAllocatorOrNull() {
        SecureMemory system = SecureMemory.system();
        return system.isAvailable() ? new HardenedKeyMemory(system) : null;
    }

    /**
     * A hardened segment, or null (plain memory is then used) when best-effort and the bridge
     * cannot supply one. Under the strict policy the failure propagates instead.
     */
    @Override
    public MemorySegment allocate(int size) {
        SecureRegion region;
        try {
            region = memory.allocateSecret(size);
        } catch (NativeException e) {
            if (memory.policy() == MemoryPolicy.STRICT) {
                throw e;
            }
            return null;
        }
        MemorySegment segment = region.segment();
        regions.put(segment.address(), region);
        return segment;
    }

    /** Zeroes and unmaps the region behind {@code segment}; ignores segments it did not hand out. */
    @Override
    public void release(MemorySegment segment) {
        SecureRegion region = regions.remove(segment.address());
        if (region != null) {
            region.close();
        }
    }

    /** Regions handed out and not yet released. */
    public int openRegions() {
        return regions.size();
    }
}
