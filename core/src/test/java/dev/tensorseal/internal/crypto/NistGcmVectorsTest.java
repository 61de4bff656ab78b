package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.tensorseal.vectors.GcmCase;
import dev.tensorseal.vectors.Tally;
import dev.tensorseal.vectors.VectorCheck;
import dev.tensorseal.vectors.VectorFile;
import dev.tensorseal.vectors.VectorFiles;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of NIST CAVP's six GCM files on every engine (jce, bc, ossl where libcrypto loads, vaes where the CPU runs it), encrypt
 * and decrypt; FAIL cases must be
 * rejected. One dynamic test per file (tens of thousands of dynamic tests would cost surefire
 * memory); a failure message lists the failing case ids.
 */
class NistGcmVectorsTest {

    @TestFactory
    Stream<DynamicTest> everyNistGcmCaseOnEveryEngine() {
        return VectorFiles.NIST_GCM.stream().map(relative -> dynamicTest(relative, () -> {
            VectorFile file = VectorFile.load(VectorSource.require(relative));
            for (String name : VectorSource.engines()) {
                GcmEngine engine = GcmEngine.named(name);
                Tally t;
                try (VectorAdapters.Gcm adapter = new VectorAdapters.Gcm(engine)) {
                    t = VectorCheck.gcm(file.gcm(), adapter);
                }
                System.out.println(file.name() + " [" + name + "]: " + t.report());
                assertEquals(0, t.failed(), () -> file.name() + " on " + name + ": " + t.report());
                assertEquals(unsupported(file.gcm(), engine), t.skipped(),
                        () -> file.name() + " on " + name + ": only unsupported tag or IV sizes may be skipped: " + t.report());
                assertEquals(file.gcm().size(), t.total());
                if (name.equals("bc") || name.equals("ossl")) { // every tag size NIST uses (4, 8, 12-16 bytes), every IV
                    assertEquals(0, t.skipped(), () -> file.name() + " on " + name + ": " + t.report());
                    assertEquals(7875, t.passed(), () -> file.name() + " on " + name + ": " + t.report());
                }
                if (name.equals("vaes")) { // every tag size, the 96-bit IVs (a third of each file)
                    assertEquals(2625, t.passed(), () -> file.name() + " on " + name + ": " + t.report());
                }
            }
        }));
    }

    /** How many cases have a tag or IV size the engine does not support (jce: 4- and 8-byte tags; vaes: IVs not 12 bytes). */
    static long unsupported(List<GcmCase> cases, GcmEngine engine) {
        return cases.stream().filter(c -> !engine.supportsTagSize(c.tagSizeBytes()) || !engine.supportsIvSize(c.iv().length)).count();
    }
}
