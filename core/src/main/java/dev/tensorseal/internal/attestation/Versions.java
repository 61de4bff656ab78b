package dev.tensorseal.internal.attestation;

/** Dotted version numbers compared part by part: driver versions in decimal ({@code 550.90.07}), VBIOS in hex. */
final class Versions {
    private Versions() {}

    /** True when {@code actual >= minimum}; a missing trailing part counts as 0. */
    static boolean atLeast(String actual, String minimum, int radix) {
        String[] a = parts(actual, radix);
        String[] m = parts(minimum, radix);
        for (int i = 0; i < Math.max(a.length, m.length); i++) {
            long x = i < a.length ? Long.parseLong(a[i], radix) : 0;
            long y = i < m.length ? Long.parseLong(m[i], radix) : 0;
            if (x != y) {
                return x > y;
            }
        }
        return true;
    }

    private static String[] parts(String version, int radix) {
        String[] parts = version.split("\\.", -1);
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 8) {
                throw new IllegalArgumentException("'" + version + "' is not a dotted version number");
            }
            try {
                Long.parseLong(p, radix);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + version + "' is not a dotted version number (base " + radix + ")");
            }
        }
        return parts;
    }
}
