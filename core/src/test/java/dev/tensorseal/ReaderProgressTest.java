package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tensorseal.testing.Liveness;
import dev.tensorseal.internal.store.SealedStore;
import java.lang.reflect.Field;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * A serving process reads far more than it writes: a writer doing exclusive operations back to back (rekey, remove,
 * snapshot) must not keep readers waiting. The store's lock hands a waiting reader its turn before the writer's next
 * exclusive operation.
 */
class ReaderProgressTest {
    /** The store's structure lock itself: the exclusive side is what rekey, remove and snapshot hold. */
    private static ReentrantReadWriteLock structureLock(TensorStore store) throws ReflectiveOperationException {
        Field lock = SealedStore.class.getDeclaredField("lock");
        lock.setAccessible(true);
        Object storeLock = lock.get(store.sealed());
        Field f = storeLock.getClass().getDeclaredField("structure");
        f.setAccessible(true);
        return (ReentrantReadWriteLock) f.get(storeLock);
    }

    @Test
    void aReaderWaitingForTheStoreIsNotOvertakenByTheWritersNextExclusiveOperation() throws Exception {
        try (KeySource k0 = StoreFixtures.key(80); TensorStore store = StoreFixtures.builder("jce", k0).build()) {
            store.put("w", DType.U8, new long[] {4096}, new byte[4096]);
            ReentrantReadWriteLock lock = structureLock(store);
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger viewsAtNextExclusive = new AtomicInteger(-1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    lock.writeLock().lock(); // as an exclusive operation does
                    try {
                        holding.countDown();
                        awaitUninterruptibly(release);
                    } finally {
                        lock.writeLock().unlock();
                    }
                    lock.writeLock().lock(); // at once: the lock must not let it barge ahead of the waiting reader
                    try {
                        viewsAtNextExclusive.set(store.stats().openViews());
                    } finally {
                        lock.writeLock().unlock();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            holding.await(); // the writer holds the exclusive lock
            AtomicReference<TensorView> view = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    view.set(store.read("w"));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            while (!lock.hasQueuedThread(reader) && reader.isAlive()) {
                Thread.onSpinWait(); // until the reader is queued on the store's lock
            }
            assertNull(view.get(), "the reader got in while the exclusive lock was held");
            assertNull(failure.get());
            release.countDown();
            writer.join();
            reader.join();
            assertNull(failure.get());
            try (TensorView v = view.get()) {
                assertEquals(1, viewsAtNextExclusive.get(),
                        "the writer's next exclusive operation overtook the reader that was waiting before it");
                assertEquals(0, v.getByte(0));
            }
        }
    }

    @Test
    void readersReachTheirCountWhileAWriterLoopsExclusiveOperationsWithoutPause() throws Exception {
        for (String engine : StoreFixtures.engines()) {
            try (KeySource k0 = StoreFixtures.key(82); KeySource k1 = StoreFixtures.key(83);
                 TensorStore store = StoreFixtures.builder(engine, k0).chunkSizeBytes(64 << 10).build()) {
                int bytes = 1 << 20;
                store.put("weights", DType.U8, new long[] {bytes}, new byte[bytes]);
                Liveness live = Liveness.create();
                Liveness.Role reads = live.role("reads", 200);
                Liveness.Role exclusive = live.role("rekeys and remove+put", 200);
                for (int r = 0; r < 2; r++) {
                    live.start(reads, () -> {
                        try (TensorView v = store.read("weights")) {
                            return v.getByte(bytes - 1) == 0;
                        }
                    });
                }
                int[] round = {0};
                live.start(exclusive, () -> {
                    if (++round[0] % 2 == 0) {
                        store.rekey(round[0] % 4 == 0 ? k0 : k1);
                    } else {
                        store.remove("scratch");
                        store.put("scratch", DType.U8, new long[] {4096}, new byte[4096]);
                    }
                    return true;
                });
                live.await();
                System.out.println(engine + ": " + reads + " beside " + exclusive);
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch l) {
        boolean interrupted = false;
        while (true) {
            try {
                l.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
