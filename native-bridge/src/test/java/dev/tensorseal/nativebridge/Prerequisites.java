package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** Missing prerequisites: a failure under CI (it installs them), a printed skip elsewhere. */
final class Prerequisites {
    private Prerequisites() {}

    static boolean ci() {
        return "true".equals(System.getProperty("tensorseal.ci")) || "true".equals(System.getenv("CI"));
    }

    static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (ci()) {
            fail(what + " (CI must provide it)");
        }
        System.out.println("SKIPPED: " + what);
        Assumptions.abort(what);
    }

    static void requireHostLibrary() {
        require(GcmHost.unavailableReason().isEmpty(), "host GCM library unavailable: "
                + GcmHost.unavailableReason().orElse(""));
    }
}
