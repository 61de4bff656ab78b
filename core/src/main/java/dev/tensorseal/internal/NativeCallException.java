package dev.tensorseal.internal;

import dev.tensorseal.TensorSealException;
import dev.tensorseal.nativebridge.NativeException;

/**
 * A native call that core makes (libc, OpenSSL's libcrypto, all through the native bridge) failed. The message names
 * the function and carries the library's own text ({@code strerror}, OpenSSL's error string); never memory contents.
 * {@link #from} is the one place a bridge's {@link NativeException} becomes core's exception.
 */
public final class NativeCallException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public NativeCallException(String message) {
        super(message);
    }

    public NativeCallException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The bridge's failure as core's, its message prefixed with what core was doing ("cannot map 4096 bytes"). */
    public static NativeCallException from(String doing, NativeException e) {
        return new NativeCallException(doing + ": " + e.getMessage(), e);
    }

    /** The bridge's failure as core's, with the bridge's message (it names the function already). */
    public static NativeCallException from(NativeException e) {
        return new NativeCallException(e.getMessage(), e);
    }
}
