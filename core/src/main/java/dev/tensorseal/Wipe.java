package dev.tensorseal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Zeroes caller-owned buffers. tensorseal never modifies the buffers handed to {@code put}: once a
 * tensor is sealed, wiping the plaintext the caller still holds is the caller's job, and these
 * helpers do it. (The JVM may have copied a heap array during garbage collection; those copies are
 * out of reach, which is why plaintext is better kept off-heap from the start.)
 */
public final class Wipe {
    private Wipe() {}

    public static void wipe(MemorySegment segment) {
        segment.fill((byte) 0);
    }

    /** Zeroes the whole buffer (0 to capacity), ignoring position and limit; read-only buffers are refused. */
    public static void wipe(ByteBuffer buffer) {
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot wipe a read-only buffer");
        }
        MemorySegment.ofBuffer(buffer.duplicate().clear()).fill((byte) 0);
    }

    public static void wipe(byte[] a) {
        Arrays.fill(a, (byte) 0);
    }

    public static void wipe(char[] a) {
        Arrays.fill(a, '\0');
    }

    public static void wipe(short[] a) {
        Arrays.fill(a, (short) 0);
    }

    public static void wipe(int[] a) {
        Arrays.fill(a, 0);
    }

    public static void wipe(long[] a) {
        Arrays.fill(a, 0L);
    }

    public static void wipe(float[] a) {
        Arrays.fill(a, 0f);
    }

    public static void wipe(double[] a) {
        Arrays.fill(a, 0d);
    }
}
