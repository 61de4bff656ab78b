package dev.tensorseal.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PrerequisitesTest {

    @Test
    void aPresentPrerequisiteNeitherSkipsNorFails() {
        assertDoesNotThrow(() -> Prerequisites.require(true, "x", true));
        assertDoesNotThrow(() -> Prerequisites.require(true, "x", false));
        assertTrue(Prerequisites.optional(true, "x", true));
        assertTrue(Prerequisites.optional(true, "x", false));
    }

    @Test
    void aMissingOneSkipsOutsideCiWithTheReason() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> Prerequisites.require(false, "libfoo missing", false));
        assertTrue(e.getMessage().contains("libfoo missing"), e.getMessage());
        assertFalse(Prerequisites.optional(false, "libfoo missing", false));
    }

    @Test
    void aMissingOneFailsUnderCi() {
        AssertionError r = assertThrows(AssertionError.class, () -> Prerequisites.require(false, "libfoo missing", true));
        assertEquals("under CI: libfoo missing (CI must provide it)", r.getMessage());
        AssertionError o = assertThrows(AssertionError.class, () -> Prerequisites.optional(false, "libfoo missing", true));
        assertEquals(r.getMessage(), o.getMessage());
    }

    @Test
    void theCiPropertyTurnsCiOn() {
        String old = System.getProperty(Prerequisites.CI_PROPERTY);
        try {
            System.setProperty(Prerequisites.CI_PROPERTY, "true");
            assertTrue(Prerequisites.underCi());
            assertThrows(AssertionError.class, () -> Prerequisites.require(false, "y"));
            System.setProperty(Prerequisites.CI_PROPERTY, "false");
            assertEquals("true".equalsIgnoreCase(System.getenv("CI")), Prerequisites.underCi());
        } finally {
            if (old == null) {
                System.clearProperty(Prerequisites.CI_PROPERTY);
            } else {
                System.setProperty(Prerequisites.CI_PROPERTY, old);
            }
        }
    }
}
