package dev.tensorseal.internal.remote;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.TensorSealException;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Retries a remote request: exponential backoff with full jitter (so many readers that failed together do not
 * retry together), a bounded number of attempts, and no retry at all of an {@link IntegrityException} (a changed
 * object does not change back), of an interrupted thread, or once the owner is closed.
 */
final class Retrier {
    /** One attempt of a request. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws IOException;
    }

    private final RemoteOptions options;
    private final BooleanSupplier closed;

    Retrier(RemoteOptions options, BooleanSupplier closed) {
        this.options = options;
        this.closed = closed;
    }

    /** Runs {@code attempt} until it succeeds; {@code what} names the object and range in the final error. */
    <T> T call(String what, Attempt<T> attempt) {
        IOException last = null;
        for (int n = 0; n < options.maxAttempts(); n++) {
            if (n > 0) {
                pause(what, n);
            }
            checkOpen(what);
            try {
                return attempt.run();
            } catch (javax.net.ssl.SSLHandshakeException e) {
                // An untrusted certificate or a protocol mismatch: retrying cannot fix it.
                throw new TensorSealException(what + ": TLS handshake failed: " + e.getMessage(), e);
            } catch (java.io.InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new TensorSealException(what + ": interrupted; the request was cancelled", e);
                }
                last = e; // a socket timeout: worth another try
            } catch (IOException e) {
                last = e;
            }
            checkOpen(what);
        }
        throw new TensorSealException(what + ": failed after " + options.maxAttempts() + " attempt"
                + (options.maxAttempts() == 1 ? "" : "s") + "; last: " + last.getMessage(), last);
    }

    private void checkOpen(String what) {
        if (closed.getAsBoolean()) {
            throw new TensorSealException(what + ": the store was closed; the request was cancelled");
        }
    }

    /** Sleeps a random time in [0, min(max, initial * 2^(retry-1))]. */
    private void pause(String what, int retry) {
        long initial = options.initialBackoff().toNanos();
        long cap = options.maxBackoff().toNanos();
        long ceiling = Math.min(cap, initial << Math.min(retry - 1, 20)); // 60 s << 20 still fits a long
        long nanos = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TensorSealException(what + ": interrupted while waiting to retry");
        }
    }
}
