package dev.tensorseal.internal.store;

import dev.tensorseal.CapacityException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/** Budget accounting for plaintext scratch: reserve before allocating, zero before releasing. */
final class PlaintextPool {
    private final PlaintextMemory memory;
    private final long budgetBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();

    PlaintextPool(PlaintextMemory memory, long budgetBytes) {
        this.memory = memory;
        this.budgetBytes = budgetBytes;
    }

    /** A zero-filled block, or {@link CapacityException} (nothing allocated) if the budget would be exceeded. */
    PlaintextMemory.Block take(long bytes, String tensor) {
        return take(bytes, tensor, true);
    }

    /**
     * Like {@link #take}, without the zero pass: for a caller that overwrites every byte at once (a
     * chunk-aligned decrypt, which zeroes the block itself on failure). Saves one full pass over a
     * view's memory on every open.
     */
    PlaintextMemory.Block takeToOverwrite(long bytes, String tensor) {
        return take(bytes, tensor, false);
    }

    private PlaintextMemory.Block take(long bytes, String tensor, boolean zero) {
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
            PlaintextMemory.Block b = memory.allocate(bytes);
            if (zero) {
                b.segment().fill((byte) 0);
            }
            return b;
        } catch (RuntimeException | Error e) {
            usedBytes.addAndGet(-bytes);
            throw e;
        }
    }

    /** Zeroes and releases a block from {@link #take}. */
    void give(PlaintextMemory.Block block) {
        if (block == EMPTY) {
            return;
        }
        MemorySegment s = block.segment();
        long size = s.byteSize();
        try {
            s.fill((byte) 0);
        } finally {
            block.close();
            usedBytes.addAndGet(-size);
        }
    }

    long usedBytes() {
        return usedBytes.get();
    }

    long peakBytes() {
        return peakBytes.get();
    }

    long budgetBytes() {
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
