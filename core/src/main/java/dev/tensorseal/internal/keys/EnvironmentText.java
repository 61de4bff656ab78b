package dev.tensorseal.internal.keys;

import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.ffm.Environment;
import java.lang.foreign.MemorySegment;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads an environment variable's value (a passphrase) into a {@code char[]} the caller wipes, never through a
 * {@code String}: libc {@code getenv} through FFM, decoded from the process environment's bytes. Only when native
 * access is refused does it fall back to {@link System#getenv}, whose cached String then lives for the JVM's life.
 */
public final class EnvironmentText {
    private EnvironmentText() {}

    /** The value decoded as UTF-8, or {@code null} when the variable is unset. */
    public static char[] getenvChars(String variable) {
        if (variable.isEmpty() || variable.indexOf('=') >= 0 || variable.indexOf('\0') >= 0) {
            throw new UnsupportedParameterException("not an environment variable name: '" + variable + "'");
        }
        if (Environment.unavailableReason() != null) {
            String v = System.getenv(variable);
            return v == null ? null : v.toCharArray();
        }
        MemorySegment value;
        try {
            value = Environment.value(variable);
        } catch (NativeException e) {
            throw new UnsupportedParameterException("cannot read environment variable " + variable + ": " + e.getMessage());
        }
        return value == null ? null : decode(value, variable);
    }

    /**
     * Zeroes {@code variable}'s value where the process environment holds it (what {@code /proc/PID/environ} shows)
     * and unsets it; false when it is not set or libc cannot be bound (then the value stays, and so does the JVM's
     * cached copy if {@link System#getenv} read it). Call it once the value is read for good: a later read finds the
     * variable unset.
     */
    public static boolean scrub(String variable) {
        if (Environment.unavailableReason() != null) {
            return false;
        }
        try {
            return Environment.scrub(variable);
        } catch (NativeException e) {
            throw dev.tensorseal.internal.NativeCallException.from("cannot scrub environment variable " + variable, e);
        }
    }

    private static char[] decode(MemorySegment utf8, String variable) {
        if (utf8.byteSize() > 1 << 20) {
            throw new UnsupportedParameterException("environment variable " + variable + " is longer than 1 MiB");
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        // Decoded straight from the environment's memory; the scratch buffer is wiped, the result is the caller's.
        CharBuffer chars = CharBuffer.allocate((int) utf8.byteSize());
        try {
            CoderResult r = d.decode(utf8.asByteBuffer(), chars, true);
            if (r.isError()) {
                r.throwException();
            }
            r = d.flush(chars);
            if (r.isError()) {
                r.throwException();
            }
            char[] out = new char[chars.position()];
            chars.flip();
            chars.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new UnsupportedParameterException("environment variable " + variable + " is not valid UTF-8");
        } finally {
            Arrays.fill(chars.array(), '\0');
        }
    }
}
