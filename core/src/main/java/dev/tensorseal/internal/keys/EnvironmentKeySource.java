package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.ffm.Environment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * An environment variable holding the key in hex or base64, decoded without making a String of it
 * (libc getenv through FFM; {@link System#getenv} only when native access is refused).
 */
public final class EnvironmentKeySource implements KeySource {
    private final String variable;

    public EnvironmentKeySource(String variable) {
        if (variable.isEmpty() || variable.indexOf('=') >= 0 || variable.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an environment variable name: '" + variable + "'");
        }
        this.variable = variable;
    }

    @Override
    public void writeKey(MemorySegment destination) {
        MemorySegment value = lookup();
        if (value == null) {
            throw new TensorSealException("environment variable " + variable + " is not set");
        }
        try {
            KeyText.decode(value, destination, "environment variable " + variable);
        } catch (RuntimeException e) {
            destination.fill((byte) 0);
            throw e;
        }
    }

    private MemorySegment lookup() {
        if (Environment.unavailableReason() != null) {
            String v = System.getenv(variable); // fallback: native access refused; the JVM already caches this String
            return v == null ? null : MemorySegment.ofArray(v.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            return Environment.value(variable);
        } catch (NativeException e) {
            throw new UnsupportedParameterException("cannot read environment variable " + variable + ": " + e.getMessage());
        }
    }

    @Override
    public String description() {
        return "environment variable " + variable;
    }

    /** Hex or base64 text to 32 key bytes, never through a String. */
    static final class KeyText {
        private KeyText() {}

        static void decode(MemorySegment text, MemorySegment out, String where) {
            long lo = 0;
            long hi = text.byteSize();
            while (lo < hi && isSpace(text.get(ValueLayout.JAVA_BYTE, lo))) {
                lo++;
            }
            while (hi > lo && isSpace(text.get(ValueLayout.JAVA_BYTE, hi - 1))) {
                hi--;
            }
            long n = hi - lo;
            if (n == 2L * KEY_BYTES && allHex(text, lo, hi)) {
                for (int i = 0; i < KEY_BYTES; i++) {
                    int h = hex(text.get(ValueLayout.JAVA_BYTE, lo + 2L * i));
                    int l = hex(text.get(ValueLayout.JAVA_BYTE, lo + 2L * i + 1));
                    out.set(ValueLayout.JAVA_BYTE, i, (byte) (h << 4 | l));
                }
                return;
            }
            if (n == 44 || n == 43) {
                base64(text, lo, hi, out, where);
                return;
            }
            throw new UnsupportedParameterException(where + " must hold a 32-byte key as 64 hex digits or base64 (43 or 44"
                    + " characters); it holds " + n + " characters");
        }

        private static void base64(MemorySegment text, long lo, long hi, MemorySegment out, String where) {
            long end = hi;
            if (end - lo == 44) {
                if (text.get(ValueLayout.JAVA_BYTE, end - 1) != '=') {
                    throw new UnsupportedParameterException(where + ": 44-character base64 must end with '='");
                }
                end--;
            }
            int acc = 0;
            int bits = 0;
            int o = 0;
            for (long i = lo; i < end; i++) {
                int v = b64(text.get(ValueLayout.JAVA_BYTE, i));
                if (v < 0) {
                    throw new UnsupportedParameterException(where + " is neither hex nor base64 (bad character at position " + (i - lo) + ")");
                }
                acc = (acc << 6) | v;
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    out.set(ValueLayout.JAVA_BYTE, o++, (byte) (acc >>> bits));
                    acc &= (1 << bits) - 1;
                }
            }
            acc = 0;
            if (o != KEY_BYTES) {
                throw new UnsupportedParameterException(where + ": base64 decodes to " + o + " bytes, expected " + KEY_BYTES);
            }
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\n' || b == '\r';
        }

        private static boolean allHex(MemorySegment t, long lo, long hi) {
            for (long i = lo; i < hi; i++) {
                if (hex(t.get(ValueLayout.JAVA_BYTE, i)) < 0) {
                    return false;
                }
            }
            return true;
        }

        private static int hex(byte b) {
            if (b >= '0' && b <= '9') {
                return b - '0';
            }
            if (b >= 'a' && b <= 'f') {
                return b - 'a' + 10;
            }
            if (b >= 'A' && b <= 'F') {
                return b - 'A' + 10;
            }
            return -1;
        }

        private static int b64(byte b) {
            if (b >= 'A' && b <= 'Z') {
                return b - 'A';
            }
            if (b >= 'a' && b <= 'z') {
                return b - 'a' + 26;
            }
            if (b >= '0' && b <= '9') {
                return b - '0' + 52;
            }
            if (b == '+' || b == '-') {
                return 62;
            }
            if (b == '/' || b == '_') {
                return 63;
            }
            return -1;
        }
    }
}
