package dev.tensorseal;

/** Another writer holds the tensor's write lock (and the caller chose not to wait, or waited out its timeout). */
public class WriteConflictException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public WriteConflictException(String message) {
        super(message);
    }
}
