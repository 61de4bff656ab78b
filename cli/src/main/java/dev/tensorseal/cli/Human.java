package dev.tensorseal.cli;

import java.util.Locale;

/** Sizes, rates and times for people: three significant digits and a decimal unit ({@code 1.07 GB}, {@code 341 MB/s}). */
final class Human {
    private static final String[] BYTE_UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private Human() {}

    /** {@code bytes} in decimal units: {@code 1073741824} is {@code 1.07 GB}. */
    static String bytes(long bytes) {
        double v = bytes;
        int unit = 0;
        while (Math.abs(v) >= 999.5 && unit < BYTE_UNITS.length - 1) {
            v /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " B" : significant(v) + " " + BYTE_UNITS[unit];
    }

    /** A rate given in GB/s (bytes per nanosecond): {@code 9.93 GB/s}, below 1 GB/s in MB/s ({@code 341 MB/s}). */
    static String rate(double gbps) {
        if (gbps >= 0.9995) {
            return significant(gbps) + " GB/s";
        }
        if (gbps * 1e3 >= 0.9995) {
            return significant(gbps * 1e3) + " MB/s";
        }
        return significant(gbps * 1e6) + " kB/s";
    }

    /** A duration given in microseconds: {@code 12.3 us}, from 1000 us in ms, from 1000 ms in s. */
    static String micros(double us) {
        if (us < 999.5) {
            return significant(us) + " us";
        }
        if (us < 999.5e3) {
            return significant(us / 1e3) + " ms";
        }
        return significant(us / 1e6) + " s";
    }

    /** A ratio: {@code 0.93x}. */
    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    /** Three significant digits, no exponent: 9.93, 99.3, 993. */
    private static String significant(double v) {
        double a = Math.abs(v);
        String f = a >= 99.95 ? "%.0f" : a >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, f, v);
    }
}
