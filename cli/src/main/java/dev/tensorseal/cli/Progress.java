package dev.tensorseal.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A byte-count progress bar on stderr that appears only once the work has run for a second, only on a terminal,
 * and never with {@code --quiet}. The bar is given a fixed width so the library never asks jline for the
 * terminal's size (which would also read the environment into Java Strings).
 */
final class Progress implements LongConsumer, AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final int WIDTH = 100;

    private final String task;
    private final long totalBytes;
    private final PrintStream err;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private long doneBytes;
    private ProgressBar bar;

    private Progress(String task, long totalBytes, PrintStream err, boolean enabled) {
        this.task = task;
        this.totalBytes = totalBytes;
        this.err = err;
        this.enabled = enabled;
    }

    /** A bar for {@code totalBytes} of work ({@code -1} when unknown). */
    static Progress start(String task, long totalBytes, boolean quiet, PrintStream err) {
        Console c = System.console();
        return new Progress(task, totalBytes, err, !quiet && c != null && c.isTerminal());
    }

    @Override
    public void accept(long bytes) {
        doneBytes += bytes;
        if (!enabled) {
            return;
        }
        if (bar == null && System.nanoTime() - startNanos >= SHOW_AFTER_NANOS) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalBytes).setUnit("MiB", 1L << 20)
                    .setConsumer(new ConsoleProgressBarConsumer(err, WIDTH)).showSpeed().build();
        }
        if (bar != null) {
            bar.stepTo(doneBytes);
        }
    }

    long doneBytes() {
        return doneBytes;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
