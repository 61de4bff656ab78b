package dev.tensorseal;

/**
 * No usable GPU here: no CUDA driver, no device, no native access, or no packaged kernel. The
 * message is {@code unavailable: <reason>}, as {@link GpuSession#availability()} reports it.
 */
public class GpuUnavailableException extends GpuException {
    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String message) {
        super(message);
    }

    public GpuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
