package dev.tensorseal;

/** A GPU operation failed in the CUDA driver or the kernel; the message names the driver call and its error. */
public class GpuException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public GpuException(String message) {
        super(message);
    }

    public GpuException(String message, Throwable cause) {
        super(message, cause);
    }
}
