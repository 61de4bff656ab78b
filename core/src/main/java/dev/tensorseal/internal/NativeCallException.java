package dev.tensorseal.internal;

import dev.tensorseal.TensorSealException;

/**
 * A native call that core makes (libc through the native bridge, OpenSSL's libcrypto) failed. The message names the
 * function and carries the library's own text ({@code strerror}, OpenSSL's error string); never memory contents.
 */
public final class NativeCallException extends TensorSealException {
    private static final long serialVersionUID = 1L;

    public NativeCallException(String message) {
        super(message);
    }

    public NativeCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
