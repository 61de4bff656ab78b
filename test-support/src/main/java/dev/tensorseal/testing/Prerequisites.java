package dev.tensorseal.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Optional prerequisites of a test (a library, a vector file, a kernel feature): outside CI a missing one skips with
 * the reason printed, so a developer sees what did not run; under CI ({@code CI=true} in the environment, or
 * {@code -Dtensorseal.ci=true}, which the parent pom sets from it) it fails, because CI installs every prerequisite and
 * a test that skips there proves nothing.
 */
public final class Prerequisites {
    /** The system property the parent pom's surefire configuration sets from the {@code CI} variable. */
    public static final String CI_PROPERTY = "tensorseal.ci";

    private Prerequisites() {}

    /** Whether the suite runs under CI. */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getProperty(CI_PROPERTY)) || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test (JUnit's abort, after printing {@code SKIPPED: what}) unless {@code present}; fails it
     * under CI instead.
     */
    public static void require(boolean present, String what) {
        require(present, what, underCi());
    }

    /**
     * For a prerequisite without which the test still runs, on less (fewer engines, say): returns {@code present};
     * when it is missing prints {@code what} and returns false, or fails under CI.
     */
    public static boolean optional(boolean present, String what) {
        return optional(present, what, underCi());
    }

    static void require(boolean present, String what, boolean ci) {
        if (!optional(present, what, ci)) {
            Assumptions.abort(what);
        }
    }

    static boolean optional(boolean present, String what, boolean ci) {
        if (present) {
            return true;
        }
        if (ci) {
            throw new AssertionError("under CI: " + what + " (CI must provide it)");
        }
        System.out.println("SKIPPED: " + what);
        return false;
    }
}
