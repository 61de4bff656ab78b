package dev.tensorseal.internal.memory;

import dev.tensorseal.internal.NativeCallException;
import dev.tensorseal.internal.crypto.KeyMemory;
import dev.tensorseal.nativebridge.MemoryPolicy;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.SecureRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Key material in the native bridge's hardened memory: memfd_secret pages where the kernel allows
 * it, else locked, don't-dump, guarded pages. {@link KeyMemory} installs it at start-up when the
 * bridge is available; otherwise keys stay in plain off-heap memory, zeroed on close.
 *
 * <p>Secrets up to {@link #MAX_SLOT_BYTES} (keys of 32 bytes, the vaes engine's 640-byte key contexts)
 * share {@link #SLAB_BYTES} slabs in slots of a power of two from 64 bytes. Why: a region of its own per
 * secret costs a page of the memory-lock budget (plus two guard pages of address space) for 32 bytes, so
 * an 8 MiB RLIMIT_MEMLOCK ran out at about two thousand keys; a slab holds up to 1024 keys. Each secret
 * still gets an arena of its own, closed at release, so a segment kept past its secret's release throws
 * and never reaches the next secret placed in that slot; the slot is zeroed at release, and a slab is
 * unmapped (zeroed again by the bridge) when its last secret is released. Larger secrets get a region each.
 */
public final class HardenedKeyMemory implements KeyMemory.Allocator {
    /** Secrets up to this size share slabs. */
    static final int MAX_SLOT_BYTES = 1024;
    private static final int MIN_SLOT_BYTES = 64;
    /** One slab: 16 pages, the size memfd_secret takes at most for one secret region. */
    static final int SLAB_BYTES = 64 * 1024;

    private final SecureMemory memory;
    private final Object lock = new Object();
    private final Map<Long, SecureRegion> regions = new HashMap<>(); // guarded by lock; large secrets
    private final Map<Long, Slot> slots = new HashMap<>(); // guarded by lock; by address
    private final List<List<Slab>> slabs = new ArrayList<>(); // guarded by lock; per slot class, with a free slot

    public HardenedKeyMemory(SecureMemory memory) {
        this.memory = memory;
        for (int size = MIN_SLOT_BYTES; size <= MAX_SLOT_BYTES; size <<= 1) {
            slabs.add(new ArrayList<>());
        }
    }

    /** The allocator over {@link SecureMemory#system()}, or null when its binding is unavailable. */
    public static KeyMemory.Allocator systemAllocatorOrNull() {
        SecureMemory system = SecureMemory.system();
        return system.isAvailable() ? new HardenedKeyMemory(system) : null;
    }

    static int slotClass(int size) {
        int slot = Math.max(MIN_SLOT_BYTES, Integer.highestOneBit(size - 1) << 1);
        return Integer.numberOfTrailingZeros(slot / MIN_SLOT_BYTES);
    }

    /**
     * A hardened, zero-filled segment, or null (plain memory is then used) when best-effort and the bridge
     * cannot supply one. Under the strict policy the failure is a {@link NativeCallException} instead.
     */
    @Override
    public MemorySegment allocate(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("secret size must be positive, got " + size);
        }
        synchronized (lock) {
            if (size > MAX_SLOT_BYTES) {
                SecureRegion region = region(size);
                if (region == null) {
                    return null;
                }
                MemorySegment segment = region.segment();
                regions.put(segment.address(), region);
                return segment;
            }
            int cls = slotClass(size);
            List<Slab> open = slabs.get(cls);
            Slab slab = open.isEmpty() ? null : open.getLast();
            if (slab == null) {
                SecureRegion region = region(SLAB_BYTES);
                if (region == null) {
                    return null;
                }
                slab = new Slab(region, MIN_SLOT_BYTES << cls);
                open.add(slab);
            }
            Slot slot = slab.take(size);
            if (slab.full()) {
                open.remove(slab);
            }
            slots.put(slot.segment.address(), slot);
            return slot.segment;
        }
    }

    private SecureRegion region(int bytes) { // under lock
        try {
            return memory.allocateSecret(bytes);
        } catch (NativeException e) {
            if (memory.policy() == MemoryPolicy.STRICT) {
                throw NativeCallException.from("cannot allocate " + bytes + " bytes of key memory under the strict policy", e);
            }
            return null;
        }
    }

    /**
     * Zeroes and releases the memory behind {@code segment}: its slot (the slab is unmapped when it empties) or
     * its region; ignores segments it did not hand out. Throws IllegalStateException, releasing nothing, while a
     * native call still holds a slot's segment.
     */
    @Override
    public void release(MemorySegment segment) {
        SecureRegion unmap = null;
        synchronized (lock) {
            SecureRegion region = regions.remove(segment.address());
            if (region != null) {
                unmap = region;
            } else {
                Slot slot = slots.get(segment.address());
                if (slot == null) {
                    return;
                }
                slot.arena.close(); // first: a kept segment of this secret throws from here on
                slots.remove(segment.address());
                Slab slab = slot.slab;
                boolean wasFull = slab.full();
                slab.free(slot.index);
                List<Slab> open = slabs.get(Integer.numberOfTrailingZeros(slab.slotBytes / MIN_SLOT_BYTES));
                if (slab.empty()) {
                    open.remove(slab);
                    unmap = slab.region;
                } else if (wasFull) {
                    open.add(slab);
                }
            }
        }
        if (unmap != null) {
            unmap.close(); // zeroes and unmaps
        }
    }

    /** Regions mapped for secrets now (slabs and large secrets' own regions). */
    public int openRegions() {
        synchronized (lock) {
            java.util.Set<Slab> live = new java.util.HashSet<>();
            slots.values().forEach(s -> live.add(s.slab));
            return regions.size() + live.size();
        }
    }

    /** One secret's place: its slab, its slot, and the arena that scopes the segment handed out. */
    private record Slot(Slab slab, int index, Arena arena, MemorySegment segment) {}

    /** A hardened region cut into equal slots. Guarded by the allocator's lock. */
    private static final class Slab {
        final SecureRegion region;
        final int slotBytes;
        final int capacity;
        final BitSet used = new BitSet();
        int count;

        Slab(SecureRegion region, int slotBytes) {
            this.region = region;
            this.slotBytes = slotBytes;
            this.capacity = (int) (region.segment().byteSize() / slotBytes);
        }

        boolean full() {
            return count == capacity;
        }

        boolean empty() {
            return count == 0;
        }

        @SuppressWarnings("restricted") // a slice of our own region's pages, inside its bounds, scoped to one secret
        Slot take(int size) {
            int index = used.nextClearBit(0);
            used.set(index);
            count++;
            Arena arena = Arena.ofShared();
            long address = region.segment().address() + (long) index * slotBytes;
            return new Slot(this, index, arena, MemorySegment.ofAddress(address).reinterpret(size, arena, null));
        }

        void free(int index) {
            region.segment().asSlice((long) index * slotBytes, slotBytes).fill((byte) 0);
            used.clear(index);
            count--;
        }
    }
}
