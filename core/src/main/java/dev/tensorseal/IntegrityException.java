package dev.tensorseal;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Authentication failed: a tag did not verify, a header MAC did not match, or a chunk is not the
 * one the tensor table pins (moved, swapped in, replayed). Nothing unauthenticated was released;
 * any output region was zeroed.
 */
public class IntegrityException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    private final String tensor;
    private final long chunk;

    /** A failure of one chunk of one tensor. */
    public IntegrityException(String tensor, long chunk, String detail) {
        super("integrity failure in tensor '" + tensor + "' chunk " + chunk + ": " + detail);
        this.tensor = tensor;
        this.chunk = chunk;
    }

    /** A failure not tied to one chunk (a header, a wrapped key, a bare AEAD message). */
    public IntegrityException(String message) {
        super(message);
        this.tensor = null;
        this.chunk = -1;
    }

    /** The tensor whose chunk failed, if the failure is tied to one. */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }

    /** The index of the chunk that failed, if the failure is tied to one. */
    public OptionalLong chunk() {
        return chunk < 0 ? OptionalLong.empty() : OptionalLong.of(chunk);
    }
}
