package dev.tensorseal.internal.crypto;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Short-lived secret scratch in key memory (SHA-256 and HMAC state, an HKDF PRK, a key-wrap schedule), from a small
 * pool of blocks that are zeroed before they go back. Why a pool: hardened key memory maps a slab with its first
 * secret and unmaps it with its last, so scratch allocated and released per derivation mapped, locked and unmapped a
 * memfd_secret slab each time (0.7 ms per key wrap, several ms per HKDF, measured). Pooled blocks keep their slab.
 * Unlike a {@link SecretBytes} segment, a pooled block's segment stays valid after {@link #close()} and would see the
 * next user's scratch: callers use it only inside try-with-resources.
 */
final class KeyScratch implements AutoCloseable {
    /** A pooled block: the largest slot of a shared key slab (HardenedKeyMemory.MAX_SLOT_BYTES). */
    static final int BLOCK_BYTES = 1024;
    private static final int MAX_POOLED = 2 * Runtime.getRuntime().availableProcessors() + 2;
    private static final ConcurrentLinkedQueue<SecretBytes> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOLED = new AtomicInteger();

    private final SecretBytes block;
    private final MemorySegment segment;
    private final boolean pooled;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private KeyScratch(SecretBytes block, int bytes, boolean pooled) {
        this.block = block;
        this.segment = block.insecureWritableSegment().asSlice(0, bytes);
        this.pooled = pooled;
    }

    /** {@code bytes} of zeroed scratch; larger than a block, a secret of its own. */
    static KeyScratch take(int bytes) {
        if (bytes > BLOCK_BYTES) {
            return new KeyScratch(SecretBytes.allocate(bytes), bytes, false);
        }
        SecretBytes b = FREE.poll();
        if (b != null) {
            POOLED.decrementAndGet();
        } else {
            b = SecretBytes.allocate(BLOCK_BYTES);
        }
        return new KeyScratch(b, bytes, true);
    }

    /** The scratch, writable; valid until {@link #close()}. */
    MemorySegment segment() {
        return segment;
    }

    /**
     * Zeroes the block and returns it to the pool (or releases it when the pool is full). Idempotent: a second close
     * must not put the block back again, or two later users would share one block of key memory.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        if (!pooled) {
            block.close();
            return;
        }
        block.insecureWritableSegment().fill((byte) 0);
        if (POOLED.incrementAndGet() <= MAX_POOLED) {
            FREE.offer(block);
        } else {
            POOLED.decrementAndGet();
            block.close();
        }
    }
}
