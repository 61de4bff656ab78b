package dev.tensorseal;

/**
 * A key-release policy withheld the key ({@link KeyRelease}): the message says which condition
 * failed. Nothing was written to the destination.
 */
public class KeyReleaseDeniedException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public KeyReleaseDeniedException(String message) {
        super(message);
    }

    public KeyReleaseDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
