package dev.tensorseal.vectors;

/**
 * The result of one case on one implementation. {@code detail} says what went wrong or why the
 * case was skipped; it never contains case data.
 */
public record Outcome(String id, Status status, String detail) {
    /** Passed: the expected output, or a rejection where one was expected. Skipped: unsupported parameters, rejected. */
    public enum Status {
        PASSED,
        FAILED,
        SKIPPED
    }

    static Outcome passed(String id) {
        return new Outcome(id, Status.PASSED, "");
    }

    static Outcome failed(String id, String detail) {
        return new Outcome(id, Status.FAILED, detail);
    }

    static Outcome skipped(String id, String reason) {
        return new Outcome(id, Status.SKIPPED, reason);
    }
}
