package dev.tensorseal;

/**
 * The root of every exception tensorseal throws on purpose. Messages name the tensor, chunk,
 * parameter or native function involved and the allowed range; they never contain key bytes or
 * plaintext.
 */
public class TensorSealException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TensorSealException(String message) {
        super(message);
    }

    public TensorSealException(String message, Throwable cause) {
        super(message, cause);
    }
}
