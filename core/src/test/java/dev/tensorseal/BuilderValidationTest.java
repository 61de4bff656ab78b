package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every builder setter refuses a bad value where it is given (as Tink's do), naming the value and the allowed range. */
class BuilderValidationTest {
    @Test
    void aNegativePlaintextBudgetIsRefusedByItsSetter() {
        var e = assertThrows(UnsupportedParameterException.class, () -> TensorStore.builder().plaintextBudgetBytes(-1));
        assertTrue(e.getMessage().contains("at least 0 bytes, got -1"), e.getMessage());
    }

    @Test
    void aThreadCountOutsideOneTo4096IsRefusedByItsSetter() {
        for (int bad : new int[] {0, -3, 4097}) {
            var e = assertThrows(UnsupportedParameterException.class, () -> TensorStore.builder().parallelism(bad));
            assertTrue(e.getMessage().contains("1 to 4096, got " + bad), e.getMessage());
        }
    }

    @Test
    void anUnknownEngineIsRefusedByItsSetter() {
        var e = assertThrows(UnsupportedParameterException.class, () -> TensorStore.builder().engine("nope"));
        assertTrue(e.getMessage().contains("unknown engine 'nope'"), e.getMessage());
        assertThrows(NullPointerException.class, () -> TensorStore.builder().engine(null));
    }

    @Test
    void theBoundsThemselvesAreAcceptedAndBuild() {
        try (KeySource key = StoreFixtures.key(90);
             TensorStore store = TensorStore.builder().keySource(key).engine("jce").plaintextBudgetBytes(0).parallelism(1)
                     .build()) {
            store.put("w", new float[4], 4);
            assertEquals(0, store.stats().plaintextBudgetBytes());
            assertThrows(CapacityException.class, () -> store.read("w"), "a zero budget opens no view");
        }
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> TensorStore.builder().parallelism(4096));
    }

    @Test
    void theKeySourceIsStillCheckedAtBuild() {
        var e = assertThrows(IllegalStateException.class, () -> TensorStore.builder().engine("jce").parallelism(2).build());
        assertTrue(e.getMessage().contains("key source is required"), e.getMessage());
    }
}
