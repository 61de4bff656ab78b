package dev.tensorseal.vectors;

import java.io.IOException;

/** A vector file that cannot be read as the format it claims (or seems) to be; the message names the file and line. */
public final class MalformedVectorsException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedVectorsException(String message) {
        super(message);
    }
}
