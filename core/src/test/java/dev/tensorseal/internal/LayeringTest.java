package dev.tensorseal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.store.SealedStore;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Layers point one way (docs/ARCHITECTURE.md): the public facade ({@code dev.tensorseal}) uses internal services, never
 * the reverse. Read from core's compiled classes (constant pool: class references and type descriptors), so a fully
 * qualified name or a method signature counts as much as an import, and a javadoc link does not.
 *
 * <p>Internal code may name only the public types that belong to no layer: the exceptions thrown to callers, the value
 * types both sides pass ({@link #VALUES}) and the interfaces a caller implements ({@link #SPI}).
 */
class LayeringTest {
    /** Immutable values of the API (enums, records, validated settings): data, not behaviour of the facade. */
    static final Set<String> VALUES = Set.of("DType", "TensorInfo", "StoreStats", "KdfLimits", "RemoteOptions",
            "AttestationPolicy", "AttestationResult", "Protection");
    /** Interfaces a caller implements and internal code consumes. */
    static final Set<String> SPI = Set.of("KeySource", "RemoteStorage", "RemoteObject");
    /** Classes allowed to be clients of the facade, with the reason: none (the GPU check mains live in dev-tools). */
    static final Map<String, String> CLIENTS = Map.of();

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("Ldev/tensorseal/([A-Z][A-Za-z0-9_$]*)[;<]");

    @Test
    void noInternalClassUsesAPublicFacadeClass() throws IOException, URISyntaxException {
        Path classes = Path.of(SealedStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes.resolve("dev/tensorseal/internal")), "core's classes are not a folder: " + classes);
        Map<String, Set<String>> offenders = new TreeMap<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(classes.resolve("dev/tensorseal/internal"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                ClassModel model = ClassFile.of().parse(f);
                String self = model.thisClass().asInternalName();
                scanned++;
                if (CLIENTS.containsKey(self.replaceFirst("\\$.*", ""))) {
                    continue;
                }
                Set<String> used = facadeTypesUsedBy(model);
                if (!used.isEmpty()) {
                    offenders.put(self, used);
                }
            }
        }
        assertTrue(scanned > 100, "only " + scanned + " internal classes found under " + classes);
        assertEquals(Map.of(), offenders, "internal classes that use a public facade class");
    }

    /** The top-level public classes {@code model} refers to that are neither exceptions, values nor SPI. */
    private static Set<String> facadeTypesUsedBy(ClassModel model) {
        Set<String> used = new TreeSet<>();
        for (PoolEntry e : model.constantPool()) {
            if (e instanceof ClassEntry c) {
                String n = c.asInternalName();
                if (n.startsWith("dev/tensorseal/") && n.indexOf('/', "dev/tensorseal/".length()) < 0) {
                    used.add(n.substring("dev/tensorseal/".length()));
                }
            } else if (e instanceof Utf8Entry u) {
                Matcher m = DESCRIPTOR_TYPE.matcher(u.stringValue());
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        used.removeIf(n -> {
            String top = n.replaceFirst("\\$.*", "");
            return VALUES.contains(top) || SPI.contains(top) || isException(top);
        });
        return used;
    }

    private static boolean isException(String simpleName) {
        try {
            return Throwable.class.isAssignableFrom(Class.forName("dev.tensorseal." + simpleName, false,
                    LayeringTest.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
