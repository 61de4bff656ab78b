package dev.tensorseal.internal.keys;

import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.nativebridge.internal.ffm.Environment;
import java.io.Console;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A token PIN, read into native memory in {@code arena} and never into a String: from {@code pin-source=file:PATH}
 * (one line; a trailing newline is dropped), {@code pin-source=env:VAR}, else {@value #DEFAULT_ENV} if set, else a
 * console prompt. The caller zeroes the segment after {@code C_Login}. A variable is scrubbed from the process
 * environment once read (as key variables are); its value is kept in hardened memory for the process's life so a
 * second key source of the same run (rekey's old and new key) finds it.
 */
final class PinSource {
    static final String DEFAULT_ENV = "TENSORSEAL_PKCS11_PIN";
    private static final int MAX_PIN_BYTES = 256;
    private static final Map<String, SecretBytes> FROM_ENV = new HashMap<>(); // guarded by itself

    private PinSource() {}

    static MemorySegment read(String pinSource, String tokenName, Arena arena) {
        if (pinSource != null && pinSource.startsWith("file:")) {
            return fromFile(Path.of(pinSource.substring("file:".length())), arena);
        }
        if (pinSource != null && pinSource.startsWith("env:")) {
            MemorySegment v = fromEnv(pinSource.substring("env:".length()), arena);
            if (v == null) {
                throw new TensorSealException("the PIN variable " + pinSource.substring(4) + " (pin-source) is not set");
            }
            return v;
        }
        if (pinSource != null) {
            throw new UnsupportedParameterException("pin-source must be file:PATH or env:VAR, got '" + pinSource + "'");
        }
        MemorySegment v = fromEnv(DEFAULT_ENV, arena);
        return v != null ? v : prompt(tokenName, arena);
    }

    private static MemorySegment fromFile(Path file, Arena arena) {
        MemorySegment buf = arena.allocate(MAX_PIN_BYTES + 1);
        long n;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > MAX_PIN_BYTES + 1) {
                throw new UnsupportedParameterException("PIN file " + file + " holds " + ch.size() + " bytes, more than a PIN ("
                        + MAX_PIN_BYTES + ")");
            }
            ByteBuffer b = buf.asByteBuffer();
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read to the end
            }
            n = b.position();
        } catch (IOException e) {
            throw new TensorSealException("cannot read PIN file " + file + ": " + e.getMessage(), e);
        }
        return trimNewline(buf, n);
    }

    private static MemorySegment fromEnv(String variable, Arena arena) {
        if (Environment.unavailableReason() != null) {
            throw new TensorSealException("reading a PIN from the environment needs native access: "
                    + Environment.unavailableReason());
        }
        synchronized (FROM_ENV) {
            SecretBytes kept = FROM_ENV.get(variable);
            if (kept == null) {
                MemorySegment v = Environment.value(variable);
                if (v == null) {
                    return null;
                }
                MemorySegment value = trimNewline(v, v.byteSize());
                if (value.byteSize() == 0) {
                    Environment.scrub(variable);
                    return arena.allocate(1).asSlice(0, 0);
                }
                kept = SecretBytes.copyOf(value);
                Environment.scrub(variable);
                FROM_ENV.put(variable, kept);
            }
            MemorySegment copy = arena.allocate(Math.max(1, kept.size()));
            MemorySegment.copy(kept.insecureSegment(), 0, copy, 0, kept.size());
            return copy.asSlice(0, kept.size());
        }
    }

    private static MemorySegment prompt(String tokenName, Arena arena) {
        Console console = System.console();
        if (console == null) {
            throw new TensorSealException("no PIN for " + tokenName + ": set " + DEFAULT_ENV + ", add pin-source=file:PATH to the"
                    + " URI, or run on a terminal to be prompted");
        }
        char[] pin = console.readPassword("PIN for %s: ", tokenName);
        if (pin == null) {
            throw new TensorSealException("no PIN entered for " + tokenName);
        }
        ByteBuffer bytes = null;
        try {
            bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pin));
            MemorySegment s = arena.allocate(Math.max(1, bytes.remaining()));
            int n = bytes.remaining();
            MemorySegment.copy(MemorySegment.ofBuffer(bytes), 0, s, 0, n);
            return s.asSlice(0, n);
        } finally {
            Arrays.fill(pin, '\0');
            if (bytes != null && bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    private static MemorySegment trimNewline(MemorySegment s, long n) {
        while (n > 0 && (s.get(ValueLayout.JAVA_BYTE, n - 1) == '\n' || s.get(ValueLayout.JAVA_BYTE, n - 1) == '\r')) {
            n--;
        }
        return s.asSlice(0, n);
    }
}
