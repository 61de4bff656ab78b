package dev.tensorseal.internal.crypto;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Key material held off-heap and zeroed on close. Never a record, never printable, no
 * {@code equals}/{@code hashCode}: compare with {@link #constantTimeEquals}. Raw bytes leave only
 * through the {@code insecure*} methods, so every read of key bytes can be found with grep.
 */
public final class SecretBytes implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment segment;
    private volatile boolean closed;

    private SecretBytes(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("secret size must be positive, got " + size);
        }
        MemorySegment hardened = KeyMemory.allocate(size);
        if (hardened != null) {
            this.arena = null;
            this.segment = hardened;
        } else {
            this.arena = Arena.ofShared();
            this.segment = arena.allocate(size, 64);
        }
    }

    /** A zero-filled secret of {@code size} bytes. */
    public static SecretBytes allocate(int size) {
        return new SecretBytes(size);
    }

    /** Copies {@code source} (off-heap or heap) into a new secret; the source is not touched. */
    public static SecretBytes copyOf(MemorySegment source) {
        SecretBytes s = new SecretBytes(Math.toIntExact(source.byteSize()));
        MemorySegment.copy(source, 0, s.segment, 0, source.byteSize());
        return s;
    }

    /**
     * Copies {@code source} into a new secret and zeroes {@code source}: the way to take ownership
     * of key bytes that had to pass through a heap array.
     */
    public static SecretBytes takeAndWipe(byte[] source) {
        try {
            return copyOf(MemorySegment.ofArray(source));
        } finally {
            Arrays.fill(source, (byte) 0);
        }
    }

    /** {@code size} random bytes. The SecureRandom output passes through a heap array that is zeroed at once. */
    public static SecretBytes random(int size, SecureRandom random) {
        byte[] tmp = new byte[size];
        random.nextBytes(tmp);
        return takeAndWipe(tmp);
    }

    public int size() {
        return (int) segment.byteSize();
    }

    /** The raw key bytes, read-only. Valid until {@link #close()}. */
    public MemorySegment insecureSegment() {
        ensureOpen();
        return segment.asReadOnly();
    }

    /**
     * The bytes, writable: for code in this package that computes a secret in place (HMAC and HKDF state, an
     * unwrapped key). Valid until {@link #close()}.
     */
    MemorySegment insecureWritableSegment() {
        ensureOpen();
        return segment;
    }

    /** A heap copy of the key bytes. The caller must zero it as soon as it is no longer needed. */
    public byte[] insecureCopy() {
        ensureOpen();
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Constant-time comparison of contents (length differences are not hidden). */
    public boolean constantTimeEquals(SecretBytes other) {
        ensureOpen();
        other.ensureOpen();
        if (other.size() != size()) {
            return false;
        }
        int diff = 0;
        for (long i = 0; i < segment.byteSize(); i++) {
            diff |= segment.get(ValueLayout.JAVA_BYTE, i) ^ other.segment.get(ValueLayout.JAVA_BYTE, i);
        }
        return diff == 0;
    }

    /** True when every byte is zero (a wiped-on-fork page, an unset key). */
    public boolean isAllZero() {
        ensureOpen();
        int acc = 0;
        for (long i = 0; i < segment.byteSize(); i++) {
            acc |= segment.get(ValueLayout.JAVA_BYTE, i);
        }
        return acc == 0;
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("secret is closed");
        }
    }

    /** Zeroes the bytes and releases the memory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        segment.fill((byte) 0);
        if (arena != null) {
            arena.close();
        } else {
            KeyMemory.release(segment);
        }
    }

    @Override
    public String toString() {
        return "SecretBytes[" + size() + " bytes, redacted]";
    }
}
