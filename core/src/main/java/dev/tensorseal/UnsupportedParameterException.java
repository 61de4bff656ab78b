package dev.tensorseal;

/** A parameter is outside what tensorseal or the chosen engine supports; the message gives the allowed range. */
public class UnsupportedParameterException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public UnsupportedParameterException(String message) {
        super(message);
    }
}
