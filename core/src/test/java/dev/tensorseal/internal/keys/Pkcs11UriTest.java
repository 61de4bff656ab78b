package dev.tensorseal.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.UnsupportedParameterException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** RFC 7512 URIs as tensorseal reads them. */
class Pkcs11UriTest {
    @Test
    void pathAndQueryAttributesArePercentDecoded() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=my%20token;object=kek%3B1;type=secret-key"
                + "?module-path=/opt/hsm/lib.so&pin-source=file:/run/pin", null);
        assertEquals("my token", u.token());
        assertEquals("kek;1", u.object());
        assertEquals(Path.of("/opt/hsm/lib.so"), u.module());
        assertEquals("file:/run/pin", u.pinSource());
        assertNull(u.serial());
    }

    @Test
    void theModuleComesFromTheEnvironmentWhenTheUriHasNone() {
        assertEquals(Path.of("/env/mod.so"), Pkcs11Uri.parse("pkcs11:object=k", "/env/mod.so").module());
        UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                () -> Pkcs11Uri.parse("pkcs11:object=k", null));
        assertTrue(e.getMessage().contains(Pkcs11Uri.MODULE_ENV), e.getMessage());
    }

    @Test
    void aPinValueAnUnknownAttributeOrAMissingObjectIsRefused() {
        UnsupportedParameterException pin = assertThrows(UnsupportedParameterException.class,
                () -> Pkcs11Uri.parse("pkcs11:object=k?module-path=/m.so&pin-value=1234", null));
        assertTrue(pin.getMessage().contains("pin-value is refused"), pin.getMessage());
        assertTrue(!pin.getMessage().contains("1234"), "the PIN is not echoed");
        assertThrows(UnsupportedParameterException.class, () -> Pkcs11Uri.parse("pkcs11:object=k;slot-x=1?module-path=/m.so", null));
        assertThrows(UnsupportedParameterException.class, () -> Pkcs11Uri.parse("pkcs11:token=t?module-path=/m.so", null));
        assertThrows(UnsupportedParameterException.class, () -> Pkcs11Uri.parse("pkcs11:object=k;type=private?module-path=/m.so", null));
        assertThrows(UnsupportedParameterException.class, () -> Pkcs11Uri.parse("file:/x", null));
    }

    @Test
    void aBadEscapeIsRefusedWithoutEchoingTheValueAPinValueIncluded() {
        for (String pin : new String[] {"12%4", "1234%zz", "98%"}) {
            UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                    () -> Pkcs11Uri.parse("pkcs11:object=k?module-path=/m.so&pin-value=" + pin, null));
            assertTrue(e.getMessage().contains("'pin-value'"), e.getMessage());
            assertTrue(!e.getMessage().contains(pin.substring(0, 2)), "the PIN is not echoed: " + e.getMessage());
        }
        // A sign is not a hex digit: Integer.parseInt("-1", 16) would decode "%-1" to the byte 0xFF.
        for (String escape : new String[] {"%-1", "%+A", "%\u0663\u0663"} /* Arabic-Indic digits */) {
            String object = "k" + escape;
            assertThrows(UnsupportedParameterException.class,
                    () -> Pkcs11Uri.parse("pkcs11:object=" + object + "?module-path=/m.so", null), object);
        }
        assertEquals("k\u00ff", Pkcs11Uri.parse("pkcs11:object=k%C3%BF?module-path=/m.so", null).object());
    }
}
