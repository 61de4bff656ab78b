package dev.tensorseal.internal.onnx;

import dev.tensorseal.TensorSealException;

/** An ONNX file that is not a well-formed ModelProto, or uses a feature the importer does not handle. */
public final class OnnxFormatException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }
}
