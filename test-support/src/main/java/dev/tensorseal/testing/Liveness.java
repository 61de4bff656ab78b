package dev.tensorseal.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Count-driven liveness for concurrency tests: every role (a thread doing one kind of step) runs until every role has
 * reached its count, so each role's steps overlap the others' however slow the machine is. A deadline only catches a
 * hang: then every thread is stopped and the test fails naming each role and how far it got. Never "at least N in T
 * seconds", which fails on a loaded machine and shows nothing on an idle one.
 *
 * <pre>{@code
 * Liveness live = Liveness.create();
 * Liveness.Role readers = live.role("reads", 200);
 * live.start(readers, () -> { read(); return true; });
 * live.start(live.role("commits", 50), () -> { commit(); return true; });
 * live.await(); // rethrows a step's failure; an AssertionError if the hang guard ran out
 * }</pre>
 */
public final class Liveness {
    /** Overrides the hang guard (seconds) for every test: a slower machine may need more, never a faster one less. */
    public static final String HANG_GUARD_PROPERTY = "tensorseal.test.hangGuardSeconds";
    private static final Duration DEFAULT_HANG_GUARD = Duration.ofMinutes(5);

    private final long hangGuardNanos;
    private final List<Role> roles = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    private Liveness(Duration hangGuard) {
        this.hangGuardNanos = hangGuard.toNanos();
    }

    /** Roles that stop once all reached their counts, with the default hang guard (5 minutes, or the property). */
    public static Liveness create() {
        String s = System.getProperty(HANG_GUARD_PROPERTY);
        return create(s == null || s.isBlank() ? DEFAULT_HANG_GUARD : Duration.ofSeconds(Long.parseLong(s.strip())));
    }

    /** The same with the hang guard given (for a test of the guard itself). */
    public static Liveness create(Duration hangGuard) {
        return new Liveness(hangGuard);
    }

    /** A step of a role: does one unit of work; returns whether it counts (false: nothing to do this time). */
    @FunctionalInterface
    public interface Step {
        boolean run() throws Exception;
    }

    /** A kind of work and how many steps of it the test needs; counts are read by the test afterwards. */
    public final class Role {
        private final String name;
        private final long target;
        private final AtomicLong count = new AtomicLong();

        private Role(String name, long target) {
            this.name = name;
            this.target = target;
        }

        /** Counts one step; wakes whoever waits for a count. */
        public void count() {
            count.incrementAndGet();
            signal();
        }

        public long counted() {
            return count.get();
        }

        public String name() {
            return name;
        }

        boolean reached() {
            return count.get() >= target;
        }

        /**
         * Waits until this role counted at least {@code n} steps (a hand-off between roles); returns false if the
         * roles stopped first: every role reached its count (nobody may be left to step), a step failed, or the hang
         * guard ran out.
         */
        public boolean awaitCount(long n) throws InterruptedException {
            synchronized (Liveness.this) {
                while (count.get() < n && running()) {
                    Liveness.this.wait(); // woken by every count() and by a stop
                }
            }
            return count.get() >= n;
        }

        @Override
        public String toString() {
            return name + " " + count.get() + "/" + target;
        }
    }

    /** A role that needs {@code target} counted steps. */
    public Role role(String name, long target) {
        Role r = new Role(name, target);
        roles.add(r);
        return r;
    }

    /** Whether roles should keep going: false once every role reached its count, a step failed, or the guard ran out. */
    public boolean running() {
        if (stopped) {
            return false;
        }
        for (Role r : roles) {
            if (!r.reached()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code step} on a new thread while {@link #running()}, counting each step that returns true for {@code role}. */
    public Thread start(Role role, Step step) {
        Thread t = Thread.ofPlatform().name("liveness-" + role.name()).unstarted(() -> {
            try {
                while (running()) {
                    if (step.run()) {
                        role.count();
                    }
                }
            } catch (Throwable e) {
                fail(e);
            }
        });
        threads.add(t);
        t.start();
        return t;
    }

    /** Records a failure seen outside a started step (the first one wins) and stops every role. */
    public void fail(Throwable e) {
        failure.compareAndSet(null, e);
        stop();
    }

    private void stop() {
        stopped = true;
        signal();
    }

    private synchronized void signal() {
        notifyAll();
    }

    /**
     * Waits for every started thread. Rethrows the first failure of a step (wrapped if checked); if the hang guard runs
     * out first, stops the roles and throws an {@link AssertionError} with each role's count.
     */
    public void await() throws InterruptedException {
        long deadline = System.nanoTime() + hangGuardNanos;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                stop();
                List<Thread> stuck = new ArrayList<>();
                for (Thread u : threads) {
                    if (!u.join(Duration.ofSeconds(10))) {
                        stuck.add(u);
                    }
                }
                throw new AssertionError("hang guard (" + TimeUnit.NANOSECONDS.toSeconds(hangGuardNanos) + " s) ran out: "
                        + roles.stream().map(Role::toString).collect(Collectors.joining(", "))
                        + (stuck.isEmpty() ? "" : "; still running: " + stuck), failure.get());
            }
        }
        Throwable f = failure.get();
        if (f instanceof Error e) {
            throw e;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f != null) {
            throw new AssertionError(f);
        }
    }
}
