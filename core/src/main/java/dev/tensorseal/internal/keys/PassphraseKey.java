package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.crypto.Argon2id;
import dev.tensorseal.internal.tseal.KdfParams;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;

/** A passphrase-derived master key that remembers its Argon2id parameters, so a file sealed under it records them. */
public final class PassphraseKey implements KeySource {
    private final Argon2idKeySource delegate;
    private final KdfParams params;

    public PassphraseKey(char[] passphrase, KdfParams params) {
        this.delegate = new Argon2idKeySource(passphrase, params.salt(), Argon2idKeySource.params(
                params.memoryKiB(), params.iterations(), params.parallelism(), params.salt()));
        this.params = params;
    }

    /** A key under a fresh random salt and the default cost (64 MiB, 3 passes, 1 lane). */
    public static PassphraseKey fresh(char[] passphrase) {
        byte[] salt = new byte[KdfParams.SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Argon2id.Params defaults = Argon2id.Params.DEFAULTS;
        return new PassphraseKey(passphrase, new KdfParams(defaults.memoryKiB(), defaults.iterations(),
                defaults.parallelism(), salt));
    }

    public KdfParams params() {
        return params;
    }

    @Override
    public void writeKey(MemorySegment destination) {
        delegate.writeKey(destination);
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
