package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.Argon2id;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.MemorySegment;

/**
 * A master key from a passphrase through {@link Argon2id}, derived once and held off-heap. The
 * caller's passphrase array is left alone: a copy is handed to Argon2id, which wipes it.
 */
public final class Argon2idKeySource implements KeySource {
    private final SecretBytes key;

    public Argon2idKeySource(char[] passphrase, byte[] salt, Argon2id.Params params) {
        if (passphrase.length == 0) {
            throw new UnsupportedParameterException("the passphrase is empty");
        }
        if (salt.length != params.saltBytes()) {
            throw new UnsupportedParameterException("Argon2id salt must be " + Argon2id.MIN_SALT_BYTES + " to "
                    + Argon2id.MAX_SALT_BYTES + " bytes, got " + salt.length);
        }
        this.key = Argon2id.derive(passphrase.clone(), salt, params, KEY_BYTES);
    }

    /** Parameters checked by {@link Argon2id.Params}; the salt length must be in its bounds. */
    public static Argon2id.Params params(int memoryKiB, int iterations, int parallelism, byte[] salt) {
        if (salt.length < Argon2id.MIN_SALT_BYTES || salt.length > Argon2id.MAX_SALT_BYTES) {
            throw new UnsupportedParameterException("Argon2id salt must be " + Argon2id.MIN_SALT_BYTES + " to "
                    + Argon2id.MAX_SALT_BYTES + " bytes, got " + salt.length);
        }
        return new Argon2id.Params(memoryKiB, iterations, parallelism, salt.length);
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
