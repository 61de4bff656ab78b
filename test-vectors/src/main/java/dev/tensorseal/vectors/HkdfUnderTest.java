package dev.tensorseal.vectors;

import java.util.Optional;

/** An HKDF implementation as the vector runner sees it. */
public interface HkdfUnderTest {
    /** The case's output key material, or empty if the implementation rejected the request. */
    Optional<byte[]> derive(HkdfCase c) throws UnsupportedCaseException;
}
