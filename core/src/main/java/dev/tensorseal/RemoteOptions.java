package dev.tensorseal;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a sealed file is read from a URI ({@link SealedFile#open(java.net.URI, TensorStore.Builder, RemoteOptions)}):
 * how many range requests are in flight, how large each is, how failures are retried, when a silent server
 * counts as stalled, and which header digest the file must have. Immutable; every setter checks its argument.
 *
 * <p>Retries: a timeout, a reset connection, a 5xx (S3's 503 SlowDown included), a response of the wrong
 * length or a 200 where a 206 was asked for is retried up to {@link #maxAttempts()} times in all, waiting
 * {@code initialBackoff * 2^n} (capped at {@code maxBackoff}) with full jitter in between; then the read fails
 * with a {@link TensorSealException} naming the object, the byte range and the last cause. An object that
 * changed since it was opened is never retried: it is an {@link IntegrityException}.
 */
public final class RemoteOptions {
    /** The SHA-256 of a header and its MAC is this many bytes. */
    public static final int HEADER_DIGEST_BYTES = 32;

    private final int concurrency;
    private final long requestBytes;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration idleTimeout;
    private final boolean allowPlainHttp;
    private final byte[] expectedHeaderDigest;
    private final SSLContext tls;
    private final RemoteStorage storage;

    private RemoteOptions(Builder b) {
        this.storage = b.storage;
        this.tls = b.tls;
        this.concurrency = b.concurrency;
        this.requestBytes = b.requestBytes;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.idleTimeout = b.idleTimeout;
        this.allowPlainHttp = b.allowPlainHttp;
        this.expectedHeaderDigest = b.expectedHeaderDigest;
    }

    /** 8 requests of at most 4 MiB in flight, 5 attempts, 50 ms to 2 s backoff, 30 s idle timeout, https only. */
    public static RemoteOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Range requests in flight at once for one read. */
    public int concurrency() {
        return concurrency;
    }

    /** The most bytes one range request asks for (adjacent chunks of one read are fetched together). */
    public long requestBytes() {
        return requestBytes;
    }

    /** Tries per request in all, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** How long a request may go without a byte arriving before it counts as stalled (and is retried). */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Whether {@code http://} is allowed for hosts other than loopback ones (it never is by default). */
    public boolean allowPlainHttp() {
        return allowPlainHttp;
    }

    /** The header digest the file must have, if the caller pinned one. */
    public Optional<byte[]> expectedHeaderDigest() {
        return Optional.ofNullable(expectedHeaderDigest).map(byte[]::clone);
    }

    /** The TLS settings for https (a private certificate authority), if not the JDK's default trust store. */
    public Optional<SSLContext> tls() {
        return Optional.ofNullable(tls);
    }

    /** The storage to read with, if not the one found for the URI's scheme (a configured S3 client, say). */
    public Optional<RemoteStorage> storage() {
        return Optional.ofNullable(storage);
    }

    /** Builds {@link RemoteOptions}. */
    public static final class Builder {
        private int concurrency = 8;
        private long requestBytes = 4L << 20;
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(50);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private boolean allowPlainHttp;
        private byte[] expectedHeaderDigest;
        private SSLContext tls;
        private RemoteStorage storage;

        private Builder() {}

        /** Reads with {@code storage} instead of the storage found for the URI's scheme (built in or by ServiceLoader). */
        public Builder storage(RemoteStorage storage) {
            this.storage = java.util.Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** TLS settings for https, e.g. trusting a private certificate authority (default: the JDK's trust store). */
        public Builder tls(SSLContext context) {
            this.tls = java.util.Objects.requireNonNull(context, "context");
            return this;
        }

        /** Range requests in flight at once, 1 to 256. */
        public Builder concurrency(int requests) {
            if (requests < 1 || requests > 256) {
                throw new UnsupportedParameterException("concurrency " + requests + " is outside [1, 256]");
            }
            this.concurrency = requests;
            return this;
        }

        /** The most bytes per range request, 64 KiB to 256 MiB. */
        public Builder requestBytes(long bytes) {
            if (bytes < (64L << 10) || bytes > (256L << 20)) {
                throw new UnsupportedParameterException("request size " + bytes + " bytes is outside [65536, 268435456]");
            }
            this.requestBytes = bytes;
            return this;
        }

        /** Tries per request in all, 1 to 20. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 20) {
                throw new UnsupportedParameterException("max attempts " + attempts + " is outside [1, 20]");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The wait before the first retry and the cap on any wait; 0 to 60 s, initial at most max. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(Duration.ofSeconds(60)) > 0 || initial.compareTo(max) > 0) {
                throw new UnsupportedParameterException("backoff " + initial + " to " + max + " is outside 0 <= initial <= max <= 60 s");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** How long a request may receive nothing before it is abandoned and retried; 1 ms to 10 min. */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new UnsupportedParameterException("idle timeout " + timeout + " is outside [1 ms, 10 min]");
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Allows {@code http://} for any host. Without TLS anyone on the path can read the ciphertext and the
         * (unencrypted) header; they still cannot change a byte unnoticed or learn plaintext (SECURITY.md).
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * Refuses any file whose header digest (SHA-256 of the header bytes and MAC, printed by {@code tensorseal
         * inspect}) is not {@code digest}, before the key is used: a substituted or rolled-back file fails to open.
         */
        public Builder expectHeaderDigest(byte[] digest) {
            if (digest.length != HEADER_DIGEST_BYTES) {
                throw new UnsupportedParameterException("a header digest is " + HEADER_DIGEST_BYTES + " bytes, not " + digest.length);
            }
            this.expectedHeaderDigest = digest.clone();
            return this;
        }

        /** As {@link #expectHeaderDigest(byte[])}, from 64 hex digits. */
        public Builder expectHeaderDigest(String hex) {
            if (hex.length() != 2 * HEADER_DIGEST_BYTES) {
                throw new UnsupportedParameterException("a header digest is " + 2 * HEADER_DIGEST_BYTES + " hex digits, not "
                        + hex.length());
            }
            try {
                return expectHeaderDigest(HexFormat.of().parseHex(hex));
            } catch (IllegalArgumentException e) {
                throw new UnsupportedParameterException("a header digest is hex digits only: " + e.getMessage());
            }
        }

        public RemoteOptions build() {
            return new RemoteOptions(this);
        }
    }
}
