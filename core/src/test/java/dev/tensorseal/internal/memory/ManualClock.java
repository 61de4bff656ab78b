package dev.tensorseal.internal.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An idle-trim clock the test moves: time stands still until {@link #advance}, which runs the tasks then due. */
final class ManualClock implements IdleTrim.Clock {
    private record Task(long dueNanos, Runnable task) {}

    private long now = 1_000_000_000L; // arbitrary: only differences matter, as with System.nanoTime
    private final List<Task> pending = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        pending.add(new Task(now + delayNanos, task));
    }

    /** Moves time on by {@code nanos} and runs every task due by then, earliest first (and any they schedule that are due). */
    synchronized void advance(long nanos) {
        now += nanos;
        while (true) {
            Task next = pending.stream().filter(t -> t.dueNanos <= now).min(Comparator.comparingLong(Task::dueNanos)).orElse(null);
            if (next == null) {
                return;
            }
            pending.remove(next);
            next.task.run();
        }
    }

    synchronized int pendingTasks() {
        return pending.size();
    }
}
