package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorseal.vectors.Tally;
import dev.tensorseal.vectors.VectorCheck;
import dev.tensorseal.vectors.VectorFile;
import dev.tensorseal.vectors.VectorFiles;
import org.junit.jupiter.api.Test;

/** python-cryptography's RFC 5869 SHA-256 file through {@link Hkdf}. */
class PublishedHkdfVectorsTest {

    @Test
    void rfc5869Sha256CasesDeriveTheStatedOkm() throws Exception {
        VectorFile file = VectorFile.load(VectorSource.require(VectorFiles.RFC5869_SHA256));
        Tally t = VectorCheck.hkdf(file.hkdf(), VectorAdapters.HKDF);
        System.out.println(file.name() + " [hkdf]: " + t.report());
        assertEquals(3, file.hkdf().size());
        assertEquals(3, t.passed(), t::report);
    }
}
