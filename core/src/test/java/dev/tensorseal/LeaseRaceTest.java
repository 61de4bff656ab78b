package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.store.NonceObserver;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Races around one view's commit and close, found in review: each once let two sealings share a
 * (key, nonce) pair, leaked a write permit, or hung. Every test counts repeated pairs through the
 * store's nonce observer and requires none.
 */
class LeaseRaceTest {
    /** Records every (key id, nonce) sealed and counts repeats. */
    static final class Pairs implements NonceObserver {
        final Set<ByteBuffer> seen = ConcurrentHashMap.newKeySet();
        final AtomicInteger repeats = new AtomicInteger();
        final AtomicInteger total = new AtomicInteger();
        volatile CountDownLatch onSeal;

        @Override
        public void sealed(byte[] keyId, byte[] nonce) {
            total.incrementAndGet();
            if (!seen.add(ByteBuffer.allocate(keyId.length + nonce.length).put(keyId).put(nonce).flip())) {
                repeats.incrementAndGet();
            }
            CountDownLatch l = onSeal;
            if (l != null) {
                l.countDown();
            }
        }
    }

    @Test
    void twoThreadsCommittingOneViewNeverShareANonce() throws Exception {
        Pairs pairs = new Pairs();
        try (KeySource key = StoreFixtures.key(1);
             TensorStore store = StoreFixtures.builder("jce", key).parallelism(1).nonceObserver(pairs).build()) {
            int n = 16 * 4096;
            store.put("t", DType.U8, new long[] {n}, new byte[n]);
            int sealedByPut = pairs.total.get();
            try (WritableView w = store.write("t")) {
                for (int round = 0; round < 100; round++) {
                    w.segment(); // marks every chunk
                    CyclicBarrier both = new CyclicBarrier(2);
                    Thread other = Thread.ofPlatform().start(() -> {
                        await(both);
                        w.commit();
                    });
                    await(both);
                    w.commit();
                    other.join();
                }
            }
            // Each round marked all 16 chunks: one of its two commits sealed them (the other found nothing dirty).
            assertEquals(100 * 16, pairs.total.get() - sealedByPut, "chunks sealed by the 100 rounds of two commits");
        }
        assertEquals(0, pairs.repeats.get(), "repeated (key, nonce) pairs out of " + pairs.total.get());
    }

    @Test
    void closingAViewMidCommitWaitsSoTheNextWriterGetsAFreshGeneration() throws Exception {
        Pairs pairs = new Pairs();
        try (KeySource key = StoreFixtures.key(2);
             TensorStore store = StoreFixtures.builder("jce", key).parallelism(1).nonceObserver(pairs).build()) {
            int n = 1024 * 4096;
            store.put("t", DType.U8, new long[] {n}, new byte[n]);
            WritableView first = store.write("t");
            first.segment();
            CountDownLatch sealing = new CountDownLatch(20);
            pairs.onSeal = sealing;
            AtomicReference<Throwable> commitFailure = new AtomicReference<>();
            Thread committer = Thread.ofPlatform().start(() -> {
                try {
                    first.commit();
                } catch (Throwable t) {
                    commitFailure.set(t);
                }
            });
            sealing.await();
            pairs.onSeal = null;
            first.close(); // waits for the running commit
            try (WritableView second = store.write("t")) {
                second.setByte(4096 * 3, (byte) 7);
                second.commit();
            }
            committer.join();
            assertEquals(null, commitFailure.get(), "the first commit must finish: close waits for it");
            try (TensorView v = store.read("t")) {
                assertEquals(7, v.getByte(4096 * 3));
            }
        }
        assertEquals(0, pairs.repeats.get(), "repeated (key, nonce) pairs out of " + pairs.total.get());
    }

    @Test
    void anInterruptedCommitSpendsItsGenerationSoARetryCannotReuseIt() throws Exception {
        Pairs pairs = new Pairs();
        try (KeySource key = StoreFixtures.key(3);
             TensorStore store = StoreFixtures.builder("jce", key).parallelism(2).nonceObserver(pairs).build()) {
            int n = 32 << 20;
            store.put("t", DType.U8, new long[] {n}, new byte[n]);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try (WritableView w = store.write("t")) {
                    w.segment();
                    CountDownLatch sealing = new CountDownLatch(1);
                    pairs.onSeal = sealing;
                    Thread me = Thread.currentThread();
                    Thread.ofPlatform().start(() -> {
                        await(sealing);
                        me.interrupt();
                    });
                    try {
                        w.commit();
                    } catch (RuntimeException interrupted) {
                        // the caller changes the data and retries
                    }
                    Thread.interrupted();
                    pairs.onSeal = null;
                    w.setByte(0, (byte) 1);
                    w.segment();
                    w.commit();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            writer.join();
            assertEquals(null, failure.get());
            try (TensorView v = store.read("t")) {
                assertEquals(1, v.getByte(0));
            }
        }
        assertEquals(0, pairs.repeats.get(), "repeated (key, nonce) pairs out of " + pairs.total.get());
    }

    @Test
    void removeHandsTheWritePermitOnSoAWaitingDeepRekeyFinishes() throws Exception {
        try (KeySource key = StoreFixtures.key(4); TensorStore store = StoreFixtures.builder("jce", key).build()) {
            store.put("b", DType.U8, new long[] {8192}, new byte[8192]);
            // remove() can take the permit in the instant the writer hands it back, ahead of the
            // waiting deepRekey; repeat so that interleaving comes up.
            for (int round = 0; round < 50; round++) {
                store.put("a", DType.U8, new long[] {8192}, new byte[8192]);
                WritableView w = store.write("a");
                Thread rekey = Thread.ofPlatform().start(store::deepRekey);
                while (rekey.getState() != Thread.State.WAITING && rekey.isAlive()) {
                    Thread.onSpinWait(); // deepRekey now waits for a's permit
                }
                w.close();
                while (true) {
                    try {
                        store.remove("a");
                        break;
                    } catch (WriteConflictException deepRekeyHasIt) {
                        Thread.onSpinWait(); // deepRekey won the permit: it is re-sealing a
                    }
                }
                rekey.join(60_000); // a hang guard, not a timing assertion
                assertFalse(rekey.isAlive(), "round " + round + ": deepRekey still waits for the permit of a removed tensor");
            }
            assertEquals(java.util.List.of("b"), store.list().stream().map(TensorInfo::name).toList());
        }
    }

    /**
     * Closing while native code holds a large view's memory (a region of its own): the close is
     * refused and changes nothing, a later close works; closing the store still zeroes every key.
     * (A small view's region is shared with others through an epoch arena: its close zeroes it and
     * the region is not reused while held; see HardenedPlaintextMemoryTest.) Deterministic: the
     * close runs in an upcall from qsort, that is, inside a downcall that holds the view's memory.
     */
    @Test
    void aViewHeldByANativeCallIsNotFreedAndTheStoreStillZeroesItsKeys() throws Throwable {
        try (KeySource key = StoreFixtures.key(5)) {
            TensorStore store = StoreFixtures.builder("jce", key).build();
            int n = 2 << 20; // above HardenedPlaintextMemory.MAX_RECYCLED_BYTES
            store.put("t", DType.U8, new long[] {n}, new byte[n]);
            WritableView w = store.write("t");
            MemorySegment held = w.segment();

            RuntimeException viewClose = insideNativeCallOn(held, w::close);
            assertInstanceOf(IllegalStateException.class, viewClose);
            assertFalse(w.isClosed(), "a refused close leaves the view open");
            w.close();
            assertTrue(w.isClosed());
            try (WritableView again = store.write("t")) {
                again.setByte(0, (byte) 3); // the permit was handed on
                again.commit();
            }

            WritableView w2 = store.write("t");
            RuntimeException storeClose = insideNativeCallOn(w2.segment(), store::close);
            assertInstanceOf(IllegalStateException.class, storeClose);
            assertTrue(storeClose.getMessage().contains("native"), storeClose.getMessage());
            assertThrows(IllegalStateException.class, () -> store.read("t"), "the store is closed and its keys zeroed");
            w2.close(); // now free: zeroed and unmapped
            assertTrue(w2.isClosed());
        }
    }

    private static final AtomicReference<Runnable> UPCALL_ACTION = new AtomicReference<>();
    private static final AtomicReference<RuntimeException> UPCALL_FAILURE = new AtomicReference<>();

    /** Runs {@code action} while a native call (qsort over the first 16 bytes) holds {@code segment}; returns what it threw. */
    @SuppressWarnings("restricted") // libc's qsort and an upcall stub: tests run with --enable-native-access
    private static RuntimeException insideNativeCallOn(MemorySegment segment, Runnable action) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(LeaseRaceTest.class, "compare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        UPCALL_ACTION.set(action);
        UPCALL_FAILURE.set(null);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stub = linker.upcallStub(compare,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), arena);
            qsort.invokeExact(segment, 2L, 8L, stub);
        }
        return UPCALL_FAILURE.get();
    }

    @SuppressWarnings("unused") // called from native code
    private static int compare(MemorySegment a, MemorySegment b) {
        Runnable action = UPCALL_ACTION.getAndSet(null);
        if (action != null) {
            try {
                action.run();
            } catch (RuntimeException e) {
                UPCALL_FAILURE.set(e); // an exception must not cross the native frame
            }
        }
        return 0;
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
