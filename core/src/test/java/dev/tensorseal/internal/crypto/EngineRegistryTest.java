package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The registry is the one list of engines: lookups, the default and the docs that name engines agree with it. */
class EngineRegistryTest {
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);

    private static List<String> registryNames() {
        return GcmEngine.registry().stream().map(EngineSpec::name).toList();
    }

    @Test
    void namesAreTheRegistryEntriesThatRunHereAndEachLooksUpToItself() {
        List<String> names = registryNames();
        assertEquals(names.size(), new HashSet<>(names).size(), "a name twice in " + names);
        assertEquals(GcmEngine.registry().stream().filter(EngineSpec::available).map(EngineSpec::name).toList(),
                GcmEngine.names());
        for (EngineSpec spec : GcmEngine.registry()) {
            assertFalse(spec.description().isBlank(), spec.name());
            if (spec.available()) {
                assertEquals(spec.name(), GcmEngine.named(spec.name()).name());
            } else {
                String why = spec.unavailableReason();
                var e = org.junit.jupiter.api.Assertions.assertThrows(dev.tensorseal.UnsupportedParameterException.class,
                        () -> GcmEngine.named(spec.name()));
                assertTrue(e.getMessage().contains(why), e.getMessage());
            }
        }
        assertTrue(GcmEngine.names().contains(GcmEngine.defaultName()), GcmEngine.defaultName());
    }

    /**
     * A javadoc of the public facade that names engines must name all of them (TensorStore.engine() once listed three
     * of four); one that names none defers to the list in TensorStore.Builder.engine.
     */
    @Test
    void everyFacadeJavadocThatListsEnginesListsTheWholeRegistry() throws IOException {
        int listing = 0;
        for (String file : List.of("TensorStore.java", "SealedFile.java")) {
            String source = Files.readString(Path.of("src/main/java/dev/tensorseal", file));
            Matcher doc = JAVADOC.matcher(source);
            while (doc.find()) {
                String text = doc.group();
                long named = registryNames().stream().filter(n -> text.contains("{@code " + n + "}")).count();
                if (named >= 2) {
                    listing++;
                    for (String name : registryNames()) {
                        assertTrue(text.contains("{@code " + name + "}"), file + ": a javadoc lists engines but not "
                                + name + ":\n" + text);
                    }
                }
            }
        }
        assertTrue(listing >= 1, "TensorStore.Builder.engine lists the engines");
    }

    @Test
    void theReadmeAndSecurityNoteNameEveryEngine() throws IOException {
        for (String doc : List.of("README.md", "SECURITY.md")) {
            String text = Files.readString(Path.of("..", doc));
            for (String name : registryNames()) {
                assertTrue(text.contains("`" + name + "`") || text.contains("**" + name + " engine**"), doc + " never names " + name);
            }
        }
    }
}
