package dev.tensorseal.vectors;

import java.util.Optional;

/** An AES-GCM implementation as the vector runner sees it (an adapter over an engine). */
public interface GcmUnderTest {
    /** The engine's name, for summaries. */
    String name();

    /** ciphertext || tag for the case's key, IV, AAD and plaintext, with a tag of {@link GcmCase#tagSizeBytes()}. */
    byte[] seal(GcmCase c) throws UnsupportedCaseException;

    /** The plaintext of the case's ciphertext || tag, or empty if the implementation rejected it. */
    Optional<byte[]> open(GcmCase c) throws UnsupportedCaseException;
}
