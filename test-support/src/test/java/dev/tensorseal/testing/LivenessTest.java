package dev.tensorseal.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LivenessTest {
    @Test
    void everyRoleRunsUntilEveryRoleReachedItsCount() throws Exception {
        Liveness live = Liveness.create();
        Liveness.Role few = live.role("few", 3);
        Liveness.Role many = live.role("many", 2000);
        live.start(few, () -> true);
        live.start(many, () -> true);
        live.await();
        assertTrue(few.counted() >= 3, few.toString());
        assertTrue(many.counted() >= 2000, many.toString());
        assertFalse(live.running());
    }

    @Test
    void aStepThatDoesNotCountKeepsItsRoleRunning() throws Exception {
        Liveness live = Liveness.create();
        Liveness.Role even = live.role("even", 10);
        int[] calls = {0};
        live.start(even, () -> ++calls[0] % 2 == 0);
        live.await();
        assertEquals(10, even.counted());
        assertEquals(20, calls[0]); // one thread: read after join
    }

    @Test
    void aFailingStepStopsEveryRoleAndIsRethrown() throws Exception {
        Liveness live = Liveness.create();
        IllegalStateException boom = new IllegalStateException("boom");
        live.start(live.role("endless", Long.MAX_VALUE), () -> true);
        Liveness.Role failing = live.role("failing", 5);
        live.start(failing, () -> {
            if (failing.counted() == 2) {
                throw boom;
            }
            return true;
        });
        assertSame(boom, assertThrows(IllegalStateException.class, live::await));
        assertEquals(2, failing.counted());
        assertFalse(live.running());
    }

    @Test
    void theHangGuardStopsTheRolesAndNamesHowFarEachGot() {
        Liveness live = Liveness.create(Duration.ofMillis(200));
        Liveness.Role stuck = live.role("stuck", 1);
        AtomicBoolean stepped = new AtomicBoolean();
        live.start(stuck, () -> {
            stepped.set(true);
            return false;
        });
        AssertionError e = assertThrows(AssertionError.class, live::await);
        assertTrue(e.getMessage().contains("stuck 0/1"), e.getMessage());
        assertTrue(stepped.get());
        assertFalse(live.running());
    }

    @Test
    void awaitCountHandsOffBetweenRolesAndReturnsFalseOnceStopped() throws Exception {
        Liveness live = Liveness.create();
        Liveness.Role produced = live.role("produced", 5);
        Liveness.Role consumed = live.role("consumed", 5);
        live.start(produced, () -> true);
        live.start(consumed, () -> produced.awaitCount(consumed.counted() + 1));
        live.await();
        assertTrue(produced.counted() >= consumed.counted(), produced + ", " + consumed);

        Liveness stopped = Liveness.create();
        Liveness.Role never = stopped.role("never", 1);
        stopped.fail(new IllegalStateException("stop"));
        assertFalse(never.awaitCount(1));
    }

    @Test
    void aRoleWaitingForAnotherRolesCountReturnsOnceEveryRoleReachedItsCount() throws Exception {
        Liveness live = Liveness.create(Duration.ofSeconds(60));
        Liveness.Role counter = live.role("counter", 3);
        Liveness.Role waiter = live.role("waiter", 1);
        AtomicBoolean waiting = new AtomicBoolean();
        live.start(waiter, () -> {
            if (waiter.counted() == 0) {
                return true; // reached its count: from here it only waits for the counter, as a hand-off does
            }
            waiting.set(true);
            return counter.awaitCount(Long.MAX_VALUE); // never reached: must return when every role is done
        });
        live.start(counter, () -> {
            while (!waiting.get() && live.running()) {
                Thread.onSpinWait(); // the counter reaches its count only once the waiter waits
            }
            return true;
        });
        live.await();
        assertEquals(3, counter.counted());
        assertEquals(1, waiter.counted());
    }
}
