package dev.tensorseal.internal.store.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A master key from a passphrase through Argon2id (Bouncy Castle's generator, called directly until
 * the crypto package's Argon2id class lands; then this class should delegate to it). The UTF-8 form
 * of the passphrase and the derived bytes pass through heap arrays that are zeroed at once.
 */
public final class Argon2idKeySource implements KeySource {
    public static final int DEFAULT_MEMORY_KIB = 64 * 1024;
    public static final int DEFAULT_ITERATIONS = 3;
    public static final int DEFAULT_PARALLELISM = 1;
    static final int MIN_MEMORY_KIB = 8;
    static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 64;
    static final int MIN_SALT_BYTES = 16;

    private final SecretBytes key;

    public Argon2idKeySource(char[] passphrase, byte[] salt, int memoryKiB, int iterations, int parallelism) {
        if (passphrase.length == 0) {
            throw new UnsupportedParameterException("the passphrase is empty");
        }
        if (salt.length < MIN_SALT_BYTES) {
            throw new UnsupportedParameterException("Argon2id salt must be at least " + MIN_SALT_BYTES + " bytes, got " + salt.length);
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new UnsupportedParameterException("Argon2id parallelism must be 1 to " + MAX_PARALLELISM + ", got " + parallelism);
        }
        if (memoryKiB < Math.max(MIN_MEMORY_KIB, 8 * parallelism) || memoryKiB > MAX_MEMORY_KIB) {
            throw new UnsupportedParameterException("Argon2id memory must be " + Math.max(MIN_MEMORY_KIB, 8 * parallelism)
                    + " to " + MAX_MEMORY_KIB + " KiB, got " + memoryKiB);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new UnsupportedParameterException("Argon2id iterations must be 1 to " + MAX_ITERATIONS + ", got " + iterations);
        }
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build());
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] pw = new byte[utf8.remaining()];
        utf8.get(pw);
        Arrays.fill(utf8.array(), (byte) 0);
        byte[] out = new byte[KEY_BYTES];
        try {
            gen.generateBytes(pw, out);
            this.key = SecretBytes.takeAndWipe(out);
        } finally {
            Arrays.fill(pw, (byte) 0);
            Arrays.fill(out, (byte) 0);
        }
    }

    @Override
    public void writeKey(MemorySegment destination) {
        MemorySegment.copy(key.insecureSegment(), 0, destination, 0, KEY_BYTES);
    }

    @Override
    public String description() {
        return "passphrase (Argon2id)";
    }

    @Override
    public void close() {
        key.close();
    }
}
