package dev.tensorseal.cli;

import dev.tensorseal.internal.keys.EnvironmentText;
import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A byte-count progress line on stderr, in decimal units and GB/s ("open  38% [====>   ] 412 MB of 1.07 GB,
 * 0.41 GB/s"), that appears only once the work has run for a second, only on a terminal, never with
 * {@code --quiet}. It fits the terminal's width ({@code COLUMNS}, else 80), redraws at most five times a second
 * and ends on 100% when the work is done. {@code COLUMNS} is read through libc, not {@link System#getenv}, which
 * would copy the whole environment (a passphrase variable included) into Java Strings.
 */
final class Progress implements LongConsumer, AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int DEFAULT_COLUMNS = 80;

    private final String task;
    private final long totalBytes;
    private final PrintStream err;
    private final boolean enabled;
    private final int columns;
    private final long showAfterNanos;
    private final long startNanos = System.nanoTime();
    private long doneBytes;
    private long drawnNanos;
    private boolean shown;

    Progress(String task, long totalBytes, PrintStream err, boolean enabled, int columns, long showAfterNanos) {
        this.task = task;
        this.totalBytes = totalBytes;
        this.err = err;
        this.enabled = enabled;
        this.columns = columns;
        this.showAfterNanos = showAfterNanos;
    }

    /** A progress line for {@code totalBytes} of work ({@code -1} when unknown). */
    static Progress start(String task, long totalBytes, boolean quiet, PrintStream err) {
        Console c = System.console();
        boolean terminal = !quiet && c != null && c.isTerminal();
        return new Progress(task, totalBytes, err, terminal, terminal ? columns() : DEFAULT_COLUMNS, SHOW_AFTER_NANOS);
    }

    /** {@code COLUMNS} when it is a sensible width, else 80. */
    private static int columns() {
        char[] v = EnvironmentText.getenvChars("COLUMNS");
        if (v == null || v.length == 0 || v.length > 4) {
            return DEFAULT_COLUMNS;
        }
        int n = 0;
        for (char ch : v) {
            if (ch < '0' || ch > '9') {
                return DEFAULT_COLUMNS;
            }
            n = n * 10 + (ch - '0');
        }
        return n >= 20 ? n : DEFAULT_COLUMNS;
    }

    @Override
    public void accept(long bytes) {
        doneBytes += bytes;
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - startNanos < showAfterNanos || (shown && now - drawnNanos < REDRAW_NANOS)) {
            return;
        }
        draw(now);
    }

    private void draw(long now) {
        err.print("\r" + line(task, doneBytes, totalBytes, now - startNanos, columns));
        err.flush();
        shown = true;
        drawnNanos = now;
    }

    long doneBytes() {
        return doneBytes;
    }

    /** Ends the line, on its final count (100% when all the work was done). */
    @Override
    public void close() {
        if (shown) {
            draw(System.nanoTime());
            err.println();
        }
    }

    /**
     * One progress line of at most {@code columns - 1} characters (the last column is left free so the terminal
     * does not wrap): task, percentage and bar where the total is known, bytes done and the rate.
     */
    static String line(String task, long doneBytes, long totalBytes, long elapsedNanos, int columns) {
        double gbps = doneBytes / (double) Math.max(elapsedNanos, 1);
        String bytes = totalBytes < 0 ? bytes(doneBytes) : bytes(doneBytes) + " of " + bytes(totalBytes);
        String tail = " " + bytes + ", " + String.format(Locale.ROOT, "%.2f", gbps) + " GB/s";
        int width = columns - 1;
        if (totalBytes <= 0) {
            return fit(task + tail, width);
        }
        double fraction = Math.min(1.0, doneBytes / (double) totalBytes);
        String head = task + String.format(Locale.ROOT, " %3d%% ", (int) Math.floor(fraction * 100));
        int barWidth = width - head.length() - tail.length() - 2;
        if (barWidth < 5) {
            return fit(head.strip() + tail, width);
        }
        int full = (int) Math.floor(fraction * barWidth);
        String bar = "=".repeat(full) + (full < barWidth ? ">" + " ".repeat(barWidth - full - 1) : "");
        return head + "[" + bar + "]" + tail;
    }

    private static String fit(String s, int width) {
        return s.length() <= width ? s : s.substring(0, Math.max(0, width));
    }

    /** {@code bytes} in decimal units with three significant digits: 999 B, 41.2 kB, 412 MB, 1.07 GB. */
    static String bytes(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = 0;
        while (v >= 999.5 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        if (u == 0) {
            return bytes + " B";
        }
        String digits = v >= 99.95 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 9.995 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
        return digits + " " + units[u];
    }
}
