package dev.tensorseal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of verifying GPU attestation evidence: every check in the order it ran, each with
 * {@link Status#PASS}, {@link Status#FAIL} or {@link Status#NOT_CHECKED} and a reason. The evidence is
 * accepted only when {@link #passed()}: no check failed. A check the {@link AttestationPolicy} requires is
 * never {@code NOT_CHECKED}; it fails instead. After the first failure the remaining checks are reported as
 * {@code NOT_CHECKED} ("not reached").
 */
public final class AttestationResult {
    /** How one check ended. */
    public enum Status { PASS, FAIL, NOT_CHECKED }

    /**
     * One check: {@code subject} names the evidence ({@code gpu 0}, {@code report}), {@code name} the check
     * ({@code REPORT_SIGNATURE}); {@code reason} says what was found.
     */
    public record Check(String subject, String name, Status status, String reason) {
        public Check {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return subject + " " + name + ": " + status + " (" + reason + ")";
        }
    }

    private final List<Check> checks;

    private AttestationResult(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** A result made of {@code checks} in order; empty lists are refused (nothing verified is not a pass). */
    public static AttestationResult of(List<Check> checks) {
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("an attestation result needs at least one check");
        }
        return new AttestationResult(checks);
    }

    public List<Check> checks() {
        return checks;
    }

    /** True when no check failed. */
    public boolean passed() {
        return firstFailure().isEmpty();
    }

    /** The first check that failed, if any. */
    public Optional<Check> firstFailure() {
        return checks.stream().filter(c -> c.status() == Status.FAIL).findFirst();
    }

    /** The check named {@code name} for {@code subject}, if it ran or was listed. */
    public Optional<Check> check(String subject, String name) {
        return checks.stream().filter(c -> c.subject().equals(subject) && c.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return firstFailure().map(c -> "attestation failed at " + c).orElse("attestation passed (" + checks.size() + " checks)");
    }
}
