package dev.tensorseal.internal.safetensors;

import dev.tensorseal.TensorSealException;

/** A safetensors file or shard index that breaks the format; the message names the file and the field. */
public final class SafetensorsException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public SafetensorsException(String message) {
        super(message);
    }
}
