package dev.tensorseal.internal.attestation;

import dev.tensorseal.AttestationResult.Check;
import dev.tensorseal.AttestationResult.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs checks in order for one subject and records each. A check passes by returning its reason and fails
 * by throwing {@link CheckFailed} or {@link EvidenceFormatException}; any other exception also fails it (fail
 * closed). Once one check failed, later ones are recorded as not reached and not run.
 */
final class CheckRun {
    private final String subject;
    private final List<Check> checks = new ArrayList<>();
    private String failed;

    CheckRun(String subject) {
        this.subject = subject;
    }

    /** Runs {@code check}; true when it passed. */
    boolean run(String name, Supplier<String> check) {
        if (failed != null) {
            checks.add(new Check(subject, name, Status.NOT_CHECKED, "not reached: " + failed + " failed"));
            return false;
        }
        try {
            checks.add(new Check(subject, name, Status.PASS, check.get()));
            return true;
        } catch (CheckFailed | EvidenceFormatException e) {
            fail(name, e.getMessage());
        } catch (RuntimeException e) {
            fail(name, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return false;
    }

    /** Records {@code name} as deliberately not checked (the policy allows it). */
    void notChecked(String name, String reason) {
        checks.add(new Check(subject, name, Status.NOT_CHECKED,
                failed != null ? "not reached: " + failed + " failed" : reason));
    }

    boolean failed() {
        return failed != null;
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    private void fail(String name, String reason) {
        failed = name;
        checks.add(new Check(subject, name, Status.FAIL, reason));
    }
}
