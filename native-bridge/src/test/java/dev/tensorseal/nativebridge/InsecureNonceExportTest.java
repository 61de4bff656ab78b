package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Sealing under a caller-chosen nonce is core's alone: the bridge's public seal entry points ask for the
 * {@link InsecureNonce} permit, whose package the module exports to core only.
 */
class InsecureNonceExportTest {
    private static final List<Class<?>> AES_GCM = List.of(CpuAesGcm.class, HostAesGcm.class, GpuAesGcm.class);

    @Test
    void everyPublicSealingEntryPointOfTheExportedPackageAsksForThePermit() {
        List<String> unguarded = new ArrayList<>();
        for (Class<?> c : AES_GCM) {
            for (Method m : c.getDeclaredMethods()) {
                boolean sealing = m.getName().equals("seal") || m.getName().equals("launch");
                if (sealing && Modifier.isPublic(m.getModifiers())
                        && (m.getParameterCount() == 0 || m.getParameterTypes()[0] != InsecureNonce.class)) {
                    unguarded.add(c.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertEquals(List.of(), unguarded, "public calls that seal under a caller's nonce without the permit");
    }

    @Test
    void thePermitsPackageIsExportedToCoreOnly() throws Exception {
        Path classes = Path.of(CpuAesGcm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        Map<String, Set<String>> exports = d.exports().stream().collect(Collectors.toMap(ModuleDescriptor.Exports::source,
                ModuleDescriptor.Exports::targets));
        assertEquals(Set.of("dev.tensorseal.core"), exports.get(InsecureNonce.class.getPackageName()));
        assertEquals(Set.of(), exports.get(CpuAesGcm.class.getPackageName()), "the public package is exported to all");
    }

    @Test
    void aSealWithoutThePermitIsRefusedBeforeAnythingIsTouched() {
        var e = assertThrows(IllegalArgumentException.class, () -> CpuAesGcm.seal(null, null, null, null, null, null, null));
        assertTrue(e.getMessage().startsWith("CpuAesGcm.seal seals under a caller-chosen nonce and needs the InsecureNonce permit"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostAesGcm.seal(null, null, 0, null, null, null, null));
    }
}
