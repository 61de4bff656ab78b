package dev.tensorseal.vectors;

import java.util.Optional;

/** A key wrap implementation as the vector runner sees it. */
public interface KeyWrapUnderTest {
    /** The wrapped form of the case's plaintext under its key. */
    byte[] wrap(KeyWrapCase c) throws UnsupportedCaseException;

    /** The unwrapped plaintext of the case's ciphertext, or empty if the implementation rejected it. */
    Optional<byte[]> unwrap(KeyWrapCase c) throws UnsupportedCaseException;
}
