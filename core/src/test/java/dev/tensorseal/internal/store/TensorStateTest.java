package dev.tensorseal.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.CapacityException;
import dev.tensorseal.DType;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.WriteConflictException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TensorState keeps its own invariants: one writer, generations spent before use and bounded, keys to retire. */
class TensorStateTest {
    private static final int CHUNK = 4096;
    private final SecureRandom random = new SecureRandom();
    private final SecretBytes kek = SecretBytes.random(32, random);
    private final List<DataKey> made = new ArrayList<>();
    private final TensorMeta meta = new TensorMeta(new byte[TensorMeta.TENSOR_ID_BYTES],
            TensorInfo.of("t", DType.U8, 2L * CHUNK), CHUNK);

    @AfterEach
    void zeroKeys() {
        made.forEach(DataKey::close);
        kek.close();
    }

    private DataKey key() {
        DataKey k = DataKey.create(random, kek, GcmEngine.named("jce"));
        made.add(k);
        return k;
    }

    private static MemorySegment[] chunks() {
        return new MemorySegment[] {Arena.ofAuto().allocate(CHUNK + 16), Arena.ofAuto().allocate(CHUNK + 16)};
    }

    private TensorState restored(DataKey k0, DataKey k1, long g0, long g1) {
        return TensorState.restored(new ChunkTable(meta, new DataKey[] {k0, k1}, new long[] {g0, g1}, chunks()));
    }

    @Test
    void aRestoredTensorContinuesAfterItsHighestGenerationAndSpendsEachBeforeUse() {
        DataKey k = key();
        TensorState st = restored(k, k, 5, 2);
        assertEquals(6, st.checkGenerationLeft());
        assertEquals(6, st.checkGenerationLeft(), "checking does not spend");
        assertEquals(6, st.takeGeneration());
        assertEquals(7, st.takeGeneration(), "a taken generation is never handed out again");
        assertEquals(8, st.takeGenerations(10));
        assertEquals(18, st.checkGenerationLeft(), "a reserved range is spent whole");
    }

    @Test
    void theLastGenerationIsUsableAndThenEveryWriterIsRefused() {
        DataKey k = key();
        TensorState st = restored(k, k, TensorState.GENERATION_LIMIT - 2, 0);
        assertEquals(TensorState.GENERATION_LIMIT - 1, st.takeGeneration());
        CapacityException e = assertThrows(CapacityException.class, st::takeGeneration);
        assertTrue(e.getMessage().contains("tensor 't' has used all 2^63 - 1 generations"), e.getMessage());
        assertThrows(CapacityException.class, st::checkGenerationLeft);
        assertThrows(CapacityException.class, () -> st.takeGenerations(1));
    }

    @Test
    void aRangePastTheLimitIsRefusedAndSpendsNothing() {
        DataKey k = key();
        TensorState st = restored(k, k, TensorState.GENERATION_LIMIT - 4, 0);
        long first = TensorState.GENERATION_LIMIT - 3;
        CapacityException e = assertThrows(CapacityException.class, () -> st.takeGenerations(4));
        assertTrue(e.getMessage().contains("1 to 3 are left"), e.getMessage());
        assertThrows(CapacityException.class, () -> st.takeGenerations(0));
        assertEquals(first, st.checkGenerationLeft(), "a refused range spent nothing");
        assertEquals(first, st.takeGenerations(3));
        assertThrows(CapacityException.class, st::checkGenerationLeft);
    }

    @Test
    void publishingReturnsTheOldKeysNoLongerUsedButNeverTheEpochKey() {
        DataKey a = key();
        DataKey b = key();
        TensorState st = restored(a, b, 0, 0);
        DataKey epoch = st.epochKey(this::key);
        assertEquals(epoch, st.epochKey(() -> {
            throw new AssertionError("the epoch key is created once");
        }));
        ChunkTable first = st.table().with(new int[] {0}, 1, epoch, 1, chunks());
        assertEquals(List.of(a), st.publish(first), "a is unused now; b still seals chunk 1");
        assertEquals(first, st.table());
        ChunkTable second = ChunkTable.sealedUnder(meta, b, 2, chunks());
        assertEquals(List.of(), st.publish(second), "the epoch key stays live for the next write even when no chunk uses it");
        assertTrue(st.liveKeys().containsKey(epoch));
        assertEquals(Set.of(b, epoch), st.liveKeys().keySet());
    }

    @Test
    void aResealReturnsThePreviousEpochKeyEvenWhenTheOldTableNeverUsedIt() {
        DataKey a = key();
        TensorState st = restored(a, a, 3, 3);
        DataKey oldEpoch = st.epochKey(this::key);
        DataKey fresh = key();
        List<DataKey> retired = st.publishResealed(ChunkTable.sealedUnder(meta, fresh, st.takeGeneration(), chunks()), fresh);
        assertEquals(Set.of(a, oldEpoch), Set.copyOf(retired));
        assertEquals(2, retired.size(), "each key once");
        assertEquals(Set.of(fresh), st.liveKeys().keySet());
    }

    @Test
    void theWriterPermitIsHeldByOneAtATime() {
        DataKey k = key();
        TensorState st = restored(k, k, 0, 0);
        st.acquireWriter(0);
        WriteConflictException e = assertThrows(WriteConflictException.class, () -> st.acquireWriter(0));
        assertTrue(e.getMessage().contains("tensor 't' is open for writing by another view"), e.getMessage());
        assertFalse(st.tryAcquireWriter());
        st.releaseWriter();
        assertTrue(st.tryAcquireWriter());
        st.releaseWriter();
        TensorState created = TensorState.createdByReservation(ChunkTable.sealedUnder(meta, k, 0, chunks()), 5);
        assertFalse(created.tryAcquireWriter(), "a reservation's new tensor starts with its writer permit taken");
        assertEquals(5, created.checkGenerationLeft());
    }

    @Test
    void aRemovedTensorRefusesLateReadersAndCommitsAndGivesItsAllocationBackOnce() {
        DataKey k = key();
        MemorySegment allocation = Arena.ofAuto().allocate(2L * (CHUNK + 16));
        TensorState st = TensorState.sealed(ChunkTable.sealedUnder(meta, k, 0, chunks()), k, allocation);
        st.checkNotRemoved();
        st.checkCommittable();
        assertEquals(allocation, st.markRemoved());
        assertEquals(null, st.markRemoved(), "given back once");
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, st::checkNotRemoved);
        assertEquals("no tensor named 't' (it was removed)", late.getMessage());
        IllegalStateException commit = assertThrows(IllegalStateException.class, st::checkCommittable);
        assertTrue(commit.getMessage().contains("was removed; nothing to commit to"), commit.getMessage());
    }

    @Test
    void aClosedStoreLockRunsNothingAndClosesOnce() {
        StoreLock lock = new StoreLock();
        assertEquals(1, lock.shared(() -> 1));
        assertEquals(2, lock.exclusive(() -> lock.shared(() -> 2)), "shared inside exclusive: reentrant");
        AtomicBoolean torn = new AtomicBoolean();
        assertTrue(lock.closeWith(() -> torn.set(true)));
        assertTrue(torn.get());
        assertFalse(lock.closeWith(() -> {
            throw new AssertionError("teardown runs once");
        }));
        AtomicBoolean ran = new AtomicBoolean();
        assertThrows(IllegalStateException.class, () -> lock.shared(() -> ran.set(true)));
        assertThrows(IllegalStateException.class, () -> lock.exclusive(() -> ran.set(true)));
        assertFalse(ran.get(), "no work runs on a closed store");
    }
}
