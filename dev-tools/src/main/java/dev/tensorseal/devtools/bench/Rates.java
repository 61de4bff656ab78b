package dev.tensorseal.devtools.bench;

/** Throughput arithmetic shared by the bench loops and the CLI's store figures. */
public final class Rates {
    private Rates() {}

    /** {@code bytes} in {@code nanos} as GB/s (10^9 bytes a second; bytes per nanosecond). */
    public static double gbps(long bytes, long nanos) {
        return bytes / (double) Math.max(nanos, 1);
    }
}
