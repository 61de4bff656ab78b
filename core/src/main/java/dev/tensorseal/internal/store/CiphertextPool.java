package dev.tensorseal.internal.store;

import dev.tensorseal.internal.memory.IdleTrim;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Ciphertext memory of removed tensors, kept for the next tensor of about the same size. Why: sealing a new tensor
 * costs as much in fresh memory (the kernel's zeroing and mapping of it) as in AES-GCM, and a store that replaces
 * tensors of one shape (weights refreshed, activations sealed per step) can skip that.
 *
 * <p>Only memory the store knows nobody else can still read comes here: a tensor sealed by {@code put}, never
 * written, rekeyed or exported in a snapshot since, given back by {@code remove} under the store's exclusive lock
 * (readers check that their tensor was not removed, under the shared lock, before they touch its chunks). It holds
 * ciphertext only, never plaintext, and is overwritten whole by the next seal. Bounded by
 * {@value #RETAIN_PROPERTY} (default 2 GiB, 0 turns it off), oldest out first; memory unused for
 * {@link #IDLE_NANOS} is dropped (then the GC unmaps it, as it does all ciphertext).
 */
final class CiphertextPool {
    /** System property: the most bytes of removed tensors' ciphertext memory kept per store. */
    static final String RETAIN_PROPERTY = "tensorseal.ciphertext.retainBytes";
    /** 2 GiB: a 1 GiB tensor's ciphertext (its tags make it a little more than 1 GiB) fits, with room for another. */
    static final long DEFAULT_RETAIN_BYTES = 2L << 30;
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>(); // most recently given first
    private long bytes;
    private boolean trimScheduled;

    CiphertextPool(long maxBytes) {
        this.maxBytes = Math.max(0, maxBytes);
    }

    static CiphertextPool fromSystemProperty() {
        return new CiphertextPool(Long.getLong(RETAIN_PROPERTY, DEFAULT_RETAIN_BYTES));
    }

    private record Entry(MemorySegment memory, long sinceNanos) {}

    /** The smallest kept segment of {@code size} bytes to at most 1/8 more, taken out whole; or null. */
    synchronized MemorySegment take(long size) {
        Entry best = null;
        for (Entry e : entries) {
            long capacity = e.memory.byteSize();
            if (capacity >= size && capacity - size <= size / 8 && (best == null || capacity < best.memory.byteSize())) {
                best = e;
            }
        }
        if (best == null) {
            return null;
        }
        entries.remove(best);
        bytes -= best.memory.byteSize();
        return best.memory;
    }

    /** Keeps {@code memory} (which no one may read or write any more) within the bound, oldest out first. */
    synchronized void give(MemorySegment memory) {
        if (memory.byteSize() > maxBytes) {
            return;
        }
        entries.addFirst(new Entry(memory, System.nanoTime()));
        bytes += memory.byteSize();
        while (bytes > maxBytes) {
            bytes -= entries.pollLast().memory.byteSize();
        }
        if (!trimScheduled) {
            trimScheduled = true;
            IdleTrim.schedule(() -> trimIdle(System.nanoTime()), IDLE_NANOS);
        }
    }

    /** Drops what has been unused since before {@code nowNanos - IDLE_NANOS}; returns how many segments remain. */
    synchronized int trimIdle(long nowNanos) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (nowNanos - e.sinceNanos >= IDLE_NANOS) {
                it.remove();
                bytes -= e.memory.byteSize();
            }
        }
        trimScheduled = !entries.isEmpty();
        if (trimScheduled) {
            IdleTrim.schedule(() -> trimIdle(System.nanoTime()), IDLE_NANOS);
        }
        return entries.size();
    }

    synchronized long retainedBytes() {
        return bytes;
    }

    synchronized void clear() {
        entries.clear();
        bytes = 0;
    }
}
