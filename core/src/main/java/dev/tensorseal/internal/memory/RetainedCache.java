package dev.tensorseal.internal.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Memory kept after use for a later use of about the same size: large view regions (HardenedPlaintextMemory) and
 * removed tensors' ciphertext (the store's CiphertextPool). A request takes the smallest item that holds it with at
 * most 1/8 to spare; items are bounded in bytes (and, for locked memory, in locked bytes), the oldest released first,
 * and released after {@code idleNanos} unused, by a task scheduled on an {@link IdleTrim.Clock}. Releases run outside the cache's lock.
 *
 * @param <T> what is kept
 */
public final class RetainedCache<T> {
    private final long maxBytes;
    private final long maxLockedBytes;
    private final long idleNanos;
    private final IdleTrim.Clock clock;
    private final ToLongFunction<T> capacity;
    private final ToLongFunction<T> cost;
    private final Predicate<T> locked;
    private final Consumer<T> release;
    private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>(); // guarded by this; most recently given first
    private long bytes; // guarded by this
    private long lockedBytes; // guarded by this
    private boolean trimScheduled; // guarded by this

    /**
     * @param maxBytes       the most bytes ({@code cost}) kept, all items together (0: none kept)
     * @param maxLockedBytes the most bytes of locked items kept
     * @param idleNanos      an item unused this long is released
     * @param clock          what "unused this long" is measured with and the trim is scheduled on
     * @param capacity       the bytes an item can serve
     * @param cost           the bytes an item holds (counted against the bounds)
     * @param locked         whether an item counts against {@code maxLockedBytes}
     * @param release        gives an item back (called outside the lock)
     */
    public RetainedCache(long maxBytes, long maxLockedBytes, long idleNanos, IdleTrim.Clock clock, ToLongFunction<T> capacity,
                         ToLongFunction<T> cost, Predicate<T> locked, Consumer<T> release) {
        this.maxBytes = Math.max(0, maxBytes);
        this.maxLockedBytes = Math.max(0, maxLockedBytes);
        this.idleNanos = idleNanos;
        this.clock = clock;
        this.capacity = capacity;
        this.cost = cost;
        this.locked = locked;
        this.release = release;
    }

    private record Entry<T>(T item, long sinceNanos) {}

    /** The smallest kept item that holds {@code size} bytes with at most 1/8 to spare, taken out; or null. */
    public synchronized T take(long size) {
        Entry<T> best = null;
        for (Entry<T> e : entries) {
            long c = capacity.applyAsLong(e.item);
            if (c >= size && c - size <= size / 8 && (best == null || c < capacity.applyAsLong(best.item))) {
                best = e;
            }
        }
        if (best == null) {
            return null;
        }
        entries.remove(best);
        forget(best.item);
        return best.item;
    }

    /** Releases kept items, oldest first, until a new one of {@code size} bytes would fit the bound. */
    public void evictFor(long size) {
        List<T> out = new ArrayList<>();
        synchronized (this) {
            while (!entries.isEmpty() && bytes + size > maxBytes) {
                T item = entries.pollLast().item;
                forget(item);
                out.add(item);
            }
        }
        out.forEach(release);
    }

    /** Keeps {@code item} (nobody may use it any more) within the bounds, releasing the oldest; or releases it. */
    public void give(T item) {
        List<T> out = new ArrayList<>();
        synchronized (this) {
            long c = cost.applyAsLong(item);
            boolean isLocked = locked.test(item);
            if (c > maxBytes || isLocked && c > maxLockedBytes) {
                out.add(item);
            } else {
                entries.addFirst(new Entry<>(item, clock.nanoTime()));
                bytes += c;
                if (isLocked) {
                    lockedBytes += c;
                }
                // Oldest out first, never the one just kept (it fits alone).
                Iterator<Entry<T>> oldest = entries.descendingIterator();
                while ((bytes > maxBytes || lockedBytes > maxLockedBytes) && oldest.hasNext()) {
                    Entry<T> e = oldest.next();
                    if (e.item == item) {
                        break;
                    }
                    oldest.remove();
                    forget(e.item);
                    out.add(e.item);
                }
                if (!trimScheduled) {
                    trimScheduled = true;
                    clock.schedule(() -> trimIdle(clock.nanoTime()), idleNanos);
                }
            }
        }
        out.forEach(release);
    }

    /** Releases what has been unused since before {@code nowNanos - idleNanos}; returns how many items remain. */
    public int trimIdle(long nowNanos) {
        List<T> out = new ArrayList<>();
        int left;
        synchronized (this) {
            for (Iterator<Entry<T>> it = entries.iterator(); it.hasNext(); ) {
                Entry<T> e = it.next();
                if (nowNanos - e.sinceNanos >= idleNanos) {
                    it.remove();
                    forget(e.item);
                    out.add(e.item);
                }
            }
            left = entries.size();
            trimScheduled = left > 0;
            if (trimScheduled) {
                clock.schedule(() -> trimIdle(clock.nanoTime()), idleNanos);
            }
        }
        out.forEach(release);
        return left;
    }

    /** Releases everything kept. */
    public void clear() {
        List<T> out = new ArrayList<>();
        synchronized (this) {
            entries.forEach(e -> out.add(e.item));
            entries.clear();
            bytes = 0;
            lockedBytes = 0;
        }
        out.forEach(release);
    }

    /** Bytes kept now. */
    public synchronized long retainedBytes() {
        return bytes;
    }

    private void forget(T item) { // under this
        long c = cost.applyAsLong(item);
        bytes -= c;
        if (locked.test(item)) {
            lockedBytes -= c;
        }
    }
}
