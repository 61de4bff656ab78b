package dev.tensorseal.internal.memory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread, started on first use, that runs the idle-trim tasks of tensorseal's memory caches (retained
 * view regions, retained ciphertext memory): memory a cache keeps for reuse is given back once it has sat unused.
 */
public final class IdleTrim {
    private static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("tensorseal-idle-trim").unstarted(r));

    /** Time as a cache's idle trim sees it: what "now" is, and running a task later. Tests pass a clock they move. */
    public interface Clock {
        long nanoTime();

        /** Runs {@code task} once, {@code delayNanos} from now. */
        void schedule(Runnable task, long delayNanos);
    }

    /** {@link System#nanoTime()} and the trim thread. */
    public static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            EXECUTOR.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    };

    private IdleTrim() {}
}
