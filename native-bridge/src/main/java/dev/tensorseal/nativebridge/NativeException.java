package dev.tensorseal.nativebridge;

/**
 * A native call failed. The message names the native function and carries the library's own text
 * for the error ({@code strerror}, {@code cuGetErrorName}, {@code nvmlErrorString}); it never
 * carries memory contents.
 */
public class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int code;

    public NativeException(String function, int code, String detail) {
        super(function + " failed: " + detail + " (" + code + ")");
        this.function = function;
        this.code = code;
    }

    public NativeException(String message, Throwable cause) {
        super(message, cause);
        this.function = "";
        this.code = 0;
    }

    /** The native function that failed, as spelt in its C header; empty when not one call. */
    public String function() {
        return function;
    }

    /** The raw status (errno, {@code CUresult}, {@code nvmlReturn_t}); 0 when not one call. */
    public int code() {
        return code;
    }
}
