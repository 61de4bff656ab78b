package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.tensorseal.vectors.KeyWrapCase;
import dev.tensorseal.vectors.Tally;
import dev.tensorseal.vectors.VectorCheck;
import dev.tensorseal.vectors.VectorFile;
import dev.tensorseal.vectors.VectorFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** NIST SP 800-38F AES key wrap files (KW and KWP, wrap and unwrap, {@code _inv} with FAIL cases) through {@link KeyWrap}. */
class NistKeyWrapVectorsTest {

    @TestFactory
    Stream<DynamicTest> everyNistKeyWrapCase() throws Exception {
        Path dir = VectorSource.require(VectorFiles.NIST_KEY_WRAP_DIR);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("KWP?_A[ED]_\\d+(_inv)?\\.txt")).sorted().toList();
        }
        assertEquals(24, files.size(), "expected NIST's 24 KW/KWP files in " + dir);
        return files.stream().map(path -> dynamicTest(path.getFileName().toString(), () -> {
            VectorFile file = VectorFile.load(path);
            Tally t = VectorCheck.keyWrap(file.keyWrap(), VectorAdapters.KEY_WRAP);
            System.out.println(file.name() + " [keywrap, " + KeyWrap.implementation() + "]: " + t.report());
            assertEquals(0, t.failed(), () -> file.name() + ": " + t.report());
            assertFalse(file.keyWrap().isEmpty());
            KeyWrapCase first = file.keyWrap().getFirst();
            boolean unsupported = first.mode() == KeyWrapCase.Mode.KWP && first.inverseCipher();
            assertEquals(unsupported ? file.keyWrap().size() : 0, t.skipped(), () -> file.name() + ": " + t.report());
        }));
    }
}
