package dev.tensorseal.internal.memory;

import dev.tensorseal.CapacityException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/** Budget accounting for plaintext scratch: reserve before allocating, zero before releasing. */
public final class PlaintextPool {
    private final PlaintextMemory memory;
    private final long budgetBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();

    public PlaintextPool(PlaintextMemory memory, long budgetBytes) {
        this.memory = memory;
        this.budgetBytes = budgetBytes;
    }

    /**
     * A block, or {@link CapacityException} (nothing allocated) if the budget would be exceeded. Not
     * zero-filled here: every caller overwrites the whole block by decrypting into it, and zeroes it on failure.
     */
    public PlaintextMemory.Block take(long bytes, String tensor) {
        if (bytes == 0) {
            return EMPTY;
        }
        long now;
        long before;
        do {
            before = usedBytes.get();
            now = before + bytes;
            if (now > budgetBytes || now < 0) {
                throw new CapacityException("plaintext budget exceeded: tensor '" + tensor + "' needs " + bytes + " bytes, "
                        + before + " of " + budgetBytes + " bytes are in use by open views");
            }
        } while (!usedBytes.compareAndSet(before, now));
        peakBytes.accumulateAndGet(now, Math::max);
        try {
            return memory.allocate(bytes);
        } catch (RuntimeException | Error e) {
            usedBytes.addAndGet(-bytes);
            throw e;
        }
    }

    /** Zeroes and releases a block from {@link #take}. */
    public void give(PlaintextMemory.Block block) {
        if (block == EMPTY) {
            return;
        }
        MemorySegment s = block.segment();
        long size = s.byteSize();
        s.fill((byte) 0);
        block.close(); // throws while a native call holds the memory: then it is still allocated, and counted
        usedBytes.addAndGet(-size);
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public long peakBytes() {
        return peakBytes.get();
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    private static final PlaintextMemory.Block EMPTY = new PlaintextMemory.Block() {
        @Override
        public MemorySegment segment() {
            return MemorySegment.NULL;
        }

        @Override
        public void close() {}
    };
}
