package dev.tensorseal.internal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;

/**
 * The tasks of one chunk-parallel run on the store's pool, waited for whole. An interrupt of the caller is passed on
 * to the pool threads running (or yet to run) the run's tasks, so a read waiting on the network gives up (its
 * request is cancelled) instead of only the caller's thread; the wait itself still covers every task, so no task
 * is left writing into memory the caller zeroes. A pool thread's interrupt is cleared when it leaves the task.
 */
final class ForkedRun {
    private final List<Thread> running = new ArrayList<>();
    private boolean interrupted;

    /** Runs {@code calls} on {@code pool} and returns their futures, all done; the caller's interrupt stays set. */
    List<Future<Void>> runAll(ForkJoinPool pool, List<Callable<Void>> calls) {
        List<ForkJoinTask<Void>> tasks = new ArrayList<>(calls.size());
        for (Callable<Void> c : calls) {
            tasks.add(pool.submit(() -> {
                enter();
                try {
                    return c.call();
                } finally {
                    leave();
                }
            }));
        }
        boolean caught = false;
        for (ForkJoinTask<Void> t : tasks) {
            while (true) {
                try {
                    t.get();
                    break;
                } catch (InterruptedException e) {
                    caught = true;
                    interruptTasks();
                } catch (ExecutionException e) {
                    break; // the caller reads the failure from the future
                }
            }
        }
        if (caught) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(tasks);
    }

    private synchronized void enter() {
        running.add(Thread.currentThread());
        if (interrupted) {
            Thread.currentThread().interrupt(); // started after the caller was interrupted: give up at the first wait
        }
    }

    private void leave() {
        synchronized (this) {
            running.remove(Thread.currentThread());
        }
        // Under the lock above no interrupt can arrive after this: the pool thread goes on clean to its next task.
        Thread.interrupted();
    }

    private synchronized void interruptTasks() {
        interrupted = true;
        for (Thread t : running) {
            t.interrupt();
        }
    }
}
