package dev.tensorseal.internal.memory;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Ciphertext memory of removed tensors, kept for the next tensor of about the same size. Why: sealing a new tensor
 * costs as much in fresh memory (the kernel's zeroing and mapping of it) as in AES-GCM, and a store that replaces
 * tensors of one shape (weights refreshed, activations sealed per step) can skip that.
 *
 * <p>Only memory the store knows nobody else can still read comes here: a tensor sealed by {@code put}, never
 * written, rekeyed or exported in a snapshot since, given back by {@code remove} under the store's exclusive lock
 * (readers check that their tensor was not removed, under the shared lock, before they touch its chunks). It holds
 * ciphertext only, never plaintext, and the next seal overwrites every chunk it uses. Bounded by
 * {@value #RETAIN_PROPERTY} (default 2 GiB, 0 turns it off), oldest out first; memory unused for
 * {@link #IDLE_NANOS} is dropped (then the GC unmaps it, as it does all ciphertext).
 */
public final class CiphertextPool {
    /** System property: the most bytes of removed tensors' ciphertext memory kept per store. */
    public static final String RETAIN_PROPERTY = "tensorseal.ciphertext.retainBytes";
    /** 2 GiB: a 1 GiB tensor's ciphertext (its tags make it a little more than 1 GiB) fits, with room for another. */
    static final long DEFAULT_RETAIN_BYTES = 2L << 30;
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RetainedCache<MemorySegment> kept;

    CiphertextPool(long maxBytes) {
        // Not locked memory; released by dropping it (the GC unmaps it, as it does all ciphertext).
        this.kept = new RetainedCache<>(maxBytes, maxBytes, IDLE_NANOS, IdleTrim.SYSTEM, MemorySegment::byteSize, MemorySegment::byteSize,
                m -> false, m -> {});
    }

    public static CiphertextPool fromSystemProperty() {
        return new CiphertextPool(Long.getLong(RETAIN_PROPERTY, DEFAULT_RETAIN_BYTES));
    }

    /** The smallest kept segment of {@code size} bytes to at most 1/8 more, taken out whole; or null. */
    public MemorySegment take(long size) {
        return kept.take(size);
    }

    /** Keeps {@code memory} (which no one may read or write any more) within the bound, oldest out first. */
    public void give(MemorySegment memory) {
        kept.give(memory);
    }

    public long retainedBytes() {
        return kept.retainedBytes();
    }

    public void clear() {
        kept.clear();
    }
}
