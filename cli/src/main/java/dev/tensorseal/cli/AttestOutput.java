package dev.tensorseal.cli;

import dev.tensorseal.AttestationResult;
import java.io.PrintStream;

/** Prints an {@link AttestationResult}: one line per check, or one JSON object with {@code --json}. */
final class AttestOutput {
    private AttestOutput() {}

    /** Prints {@code result}; returns the exit code (0 every check passed or was allowed, 1 a check failed). */
    static int print(AttestationResult result, boolean json, PrintStream out) {
        if (json) {
            StringBuilder s = new StringBuilder("{\"passed\":").append(result.passed()).append(",\"checks\":[");
            for (int i = 0; i < result.checks().size(); i++) {
                AttestationResult.Check c = result.checks().get(i);
                s.append(i == 0 ? "" : ",").append("{\"subject\":").append(quote(c.subject())).append(",\"check\":")
                        .append(quote(c.name())).append(",\"status\":").append(quote(c.status().name()))
                        .append(",\"reason\":").append(quote(c.reason())).append('}');
            }
            out.println(s.append("]}"));
        } else {
            for (AttestationResult.Check c : result.checks()) {
                out.printf("%-11s %-22s %s%n", c.status(), c.name(), c.reason());
            }
            out.println(result.firstFailure().map(c -> "attestation: FAILED at " + c.name())
                    .orElse("attestation: verified (NOT_CHECKED lines were not required)"));
        }
        return result.passed() ? 0 : 1;
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        q.append(String.format("\\u%04x", (int) ch));
                    } else {
                        q.append(ch);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
