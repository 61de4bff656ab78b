package dev.tensorseal.internal.store;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The store's one lock protocol. Every crypto operation (read, commit, put) runs {@link #shared}; operations that
 * replace keys or need a consistent picture of all tensors (rekey, remove, snapshot, close, zeroing retired data
 * keys) run {@link #exclusive}, so a data key is never zeroed while a chunk is being sealed or opened with it. Both
 * check, once the lock is held, that the store is still open. Views hold no lock while open.
 *
 * <p>The lock is fair: a reader waiting for it goes before a writer's next exclusive operation, so a writer looping
 * rekey or remove cannot keep readers out (a serving process reads far more than it writes); see ReaderProgressTest.
 */
final class StoreLock {
    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock(true);
    private volatile boolean closed;

    /** Runs {@code work} under the shared side, on an open store. */
    <T> T shared(Supplier<T> work) {
        return holding(structure.readLock(), work);
    }

    void shared(Runnable work) {
        holding(structure.readLock(), asSupplier(work));
    }

    /** Runs {@code work} under the exclusive side, on an open store. Reentrant: a shared call inside it is allowed. */
    <T> T exclusive(Supplier<T> work) {
        return holding(structure.writeLock(), work);
    }

    void exclusive(Runnable work) {
        holding(structure.writeLock(), asSupplier(work));
    }

    private <T> T holding(Lock side, Supplier<T> work) {
        side.lock();
        try {
            ensureOpen();
            return work.get();
        } finally {
            side.unlock();
        }
    }

    private static Supplier<Void> asSupplier(Runnable work) {
        return () -> {
            work.run();
            return null;
        };
    }

    /**
     * Marks the store closed and runs {@code teardown} in the same exclusive hold, so no operation is inside the store
     * while it runs and every later one fails. Returns false (running nothing) when the store was already closed.
     */
    boolean closeWith(Runnable teardown) {
        structure.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            teardown.run();
            return true;
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** For the lock-free checks (catalogue reads, lookups before the lock is taken). */
    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
    }
}
