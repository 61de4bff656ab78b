package dev.tensorseal.devtools.gpu;

import java.io.PrintStream;

/** The GPU checks' verdict lines ({@code what ... ok|FAILED (detail)}) and their count of failures. */
final class Verdicts {
    private final PrintStream out;
    private int failures;

    Verdicts(PrintStream out) {
        this.out = out;
    }

    /** Prints one check's verdict; a failed one counts. */
    void report(String what, boolean ok, String detail) {
        out.printf("%-52s %s%s%n", what, ok ? "ok" : "FAILED", detail.isEmpty() ? "" : "  (" + detail + ")");
        failures += ok ? 0 : 1;
    }

    /** Prints {@code check}'s summary line; returns the exit status: 0 when every check passed, else 1. */
    int finish(String check) {
        out.println(failures == 0 ? check + ": PASS" : check + ": FAIL (" + failures + " checks failed)");
        return failures == 0 ? 0 : 1;
    }
}
