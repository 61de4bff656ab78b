package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.UnsupportedParameterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code -Dtensorseal.engine} picks the default engine (the CLI's); a name this machine cannot run is refused, not ignored. */
class EngineSelectionTest {
    @AfterEach
    void clear() {
        System.clearProperty(Engines.ENGINE_PROPERTY);
    }

    @Test
    void thePropertyNamesTheDefaultEngineAndAnUnknownOneIsRefused() {
        assertEquals(Engines.DEFAULT, GcmEngine.defaultName());
        for (String name : GcmEngine.names()) {
            System.setProperty(Engines.ENGINE_PROPERTY, name);
            assertEquals(name, GcmEngine.defaultName());
        }
        System.setProperty(Engines.ENGINE_PROPERTY, "rot13");
        UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class, GcmEngine::defaultName);
        assertTrue(e.getMessage().contains("-Dtensorseal.engine=rot13") && e.getMessage().contains("jce"), e.getMessage());
    }
}
