package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.tensorseal.vectors.Tally;
import dev.tensorseal.vectors.Transcribed;
import dev.tensorseal.vectors.VectorCheck;
import dev.tensorseal.vectors.VectorFile;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The hand-transcribed sets bundled in test-vectors (GCM specification test cases 1-18, RFC 5869
 * A.1-A.3, RFC 3394 4.1-4.6, and the Wycheproof-format files made from them): always run, on
 * every engine, with nothing skipped but the IV lengths vaes does not take (it takes the store's 12 bytes).
 */
class TranscribedVectorsTest {

    @TestFactory
    Stream<DynamicTest> everyTranscribedCasePasses() {
        return Arrays.stream(Transcribed.values()).map(set -> dynamicTest(set.fileName(), () -> {
            VectorFile file = set.load();
            assertTrue(file.size() > 0, "no cases in " + set.fileName());
            Tally all = new Tally();
            long unsupported = 0;
            if (!file.gcm().isEmpty()) {
                for (String name : VectorSource.engines()) {
                    unsupported += NistGcmVectorsTest.unsupported(file.gcm(), GcmEngine.named(name));
                    try (VectorAdapters.Gcm adapter = new VectorAdapters.Gcm(GcmEngine.named(name))) {
                        Tally t = VectorCheck.gcm(file.gcm(), adapter);
                        System.out.println(file.name() + " [" + name + "]: " + t.report());
                        all.addAll(t);
                    }
                }
            }
            all.addAll(VectorCheck.keyWrap(file.keyWrap(), VectorAdapters.KEY_WRAP));
            all.addAll(VectorCheck.hkdf(file.hkdf(), VectorAdapters.HKDF));
            assertEquals(0, all.failed(), all::report);
            assertEquals(unsupported, all.skipped(), all::report);
            long expected = (long) file.gcm().size() * VectorSource.engines().size() - unsupported + file.keyWrap().size()
                    + file.hkdf().size();
            assertEquals(expected, all.passed(), all::report);
        }));
    }
}
