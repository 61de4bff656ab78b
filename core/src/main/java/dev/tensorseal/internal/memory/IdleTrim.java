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

    private IdleTrim() {}

    /** Runs {@code task} once, {@code delayNanos} from now, on the trim thread. */
    public static void schedule(Runnable task, long delayNanos) {
        EXECUTOR.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
