package dev.tensorseal;

/** A configured bound was reached: the plaintext budget, a generation counter, a size limit. */
public class CapacityException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public CapacityException(String message) {
        super(message);
    }
}
