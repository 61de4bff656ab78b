package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every optional library loads through one NativeLibrary, which asks whether native access is granted before it looks
 * a library up: without the grant each reports the flag to add, and the JVM never prints its restricted-method warning.
 */
class NativeLibraryAccessTest {
    @Test
    void withoutNativeAccessEveryLibraryNamesTheFlagAndNoRestrictedCallIsMade() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.javaCommand(List.of(), NativeAccessProbe.class));
        assertEquals(0, r.exitCode(), r.output());
        assertFalse(r.output().contains("restricted method"), r.output());
        assertTrue(r.output().contains("cuda=unavailable: native access is not enabled: run java with"
                + " --enable-native-access="), r.output());
        assertTrue(r.output().contains("libcrypto=native access is not enabled: run java with --enable-native-access="),
                r.output());
    }

    @Test
    void withNativeAccessLibcryptoLoadsOrSaysWhyNot() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.javaCommand(List.of("--enable-native-access=ALL-UNNAMED"),
                NativeAccessProbe.class));
        assertEquals(0, r.exitCode(), r.output());
        assertFalse(r.output().contains("restricted method"), r.output());
        assertFalse(r.output().contains("native access is not enabled"), r.output());
    }
}
