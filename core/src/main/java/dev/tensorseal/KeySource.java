package dev.tensorseal;

import dev.tensorseal.internal.keys.Argon2idKeySource;
import dev.tensorseal.internal.keys.BytesKeySource;
import dev.tensorseal.internal.keys.EnvironmentKeySource;
import dev.tensorseal.internal.keys.KeyFileSource;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Where a store's 256-bit master key comes from. Implement it for a KMS, an HSM or an
 * attestation-gated release: write the 32 key bytes into the destination the store hands you
 * (off-heap memory the store owns, locks where it can, and zeroes on close) and keep no copy.
 *
 * <p>The master key never encrypts data: it derives (HKDF-SHA256, salted with the store's id) the
 * key-encryption key that wraps each tensor's data keys, so {@link TensorStore#rekey} is cheap.
 *
 * <p>Sources that hold key material themselves ({@link #bytes}, {@link #passphrase}) keep it
 * off-heap until {@link #close()}; closing is the caller's job (a store does not close the
 * source it was given, so one source can open several stores).
 */
public interface KeySource extends AutoCloseable {
    /** Master keys are 32 bytes. */
    int KEY_BYTES = 32;

    /**
     * Writes exactly {@value #KEY_BYTES} bytes of key into {@code destination} ({@value #KEY_BYTES}
     * bytes long). May be called more than once (once per store opened or rekeyed).
     *
     * @throws TensorSealException (or a subtype) when the key cannot be had; the message must not contain key bytes
     */
    void writeKey(MemorySegment destination);

    /** Where the key comes from, for error messages (a path, a variable name): never key material. */
    String description();

    /** Zeroes any key material this source holds. Idempotent; a no-op by default. */
    @Override
    default void close() {}

    /**
     * A file of exactly 32 raw bytes, read off-heap at each {@link #writeKey} (the file is read through a
     * direct buffer, not a heap array). Checking the file's permissions is left to the caller (the CLI warns).
     */
    static KeySource file(Path path) {
        return new KeyFileSource(path);
    }

    /**
     * An environment variable holding the key as 64 hex digits or as base64 (44 characters with
     * padding, 43 without); surrounding whitespace is ignored. Read through libc {@code getenv} with
     * the FFM API and decoded byte by byte straight into the destination, so the value never becomes
     * a Java {@code String} (when native access is unavailable it falls back to {@link System#getenv},
     * whose cached copy then lives on the heap for the JVM's life). The process environment itself
     * is outside tensorseal's reach: unset the variable after use where you can.
     */
    static KeySource environment(String variable) {
        return new EnvironmentKeySource(variable);
    }

    /**
     * A key derived from a passphrase with Argon2id (RFC 9106; 64 MiB, 3 passes, 1 lane). The key is
     * derived once, at this call, and held off-heap until {@link #close()}; {@code passphrase} is not
     * modified (wipe it with {@link Wipe#wipe(char[])}). Store {@code salt} (16 random bytes or more)
     * with the data: the same passphrase and salt give the same key. Costs are bounded (at most 1 GiB,
     * 32 passes, 16 lanes; salt 16 to 64 bytes).
     */
    static KeySource passphrase(char[] passphrase, byte[] salt) {
        var d = dev.tensorseal.internal.crypto.Argon2id.Params.DEFAULTS;
        return new Argon2idKeySource(passphrase, salt, Argon2idKeySource.params(d.memoryKiB(), d.iterations(), d.parallelism(), salt));
    }

    /** As {@link #passphrase(char[], byte[])} with explicit Argon2id cost parameters (bounded; see the message when out of range). */
    static KeySource passphrase(char[] passphrase, byte[] salt, int memoryKiB, int iterations, int parallelism) {
        return new Argon2idKeySource(passphrase, salt, Argon2idKeySource.params(memoryKiB, iterations, parallelism, salt));
    }

    /**
     * A recipient's identity (private key) from its file ({@code tensorseal keygen --recipient-key}), loaded now into
     * key memory and zeroed on {@link #close()}. It opens files sealed to its public key ({@link #recipients}): the
     * file's master secret is unwrapped from the header's entry for it (HPKE, RFC 9180). It has no key of its own, so
     * it cannot seal or open a file sealed under a key or passphrase.
     */
    static KeySource identity(Path identityFile) {
        return new dev.tensorseal.internal.keys.IdentityKeySource(identityFile);
    }

    /**
     * A fresh random master secret sealed to each of {@code publicKeys} (the one-line {@code tseal1-...} texts that
     * {@code keygen --recipient-key} prints): a file sealed or saved under it records one HPKE entry per recipient,
     * and opens with any of their identities and nothing else. Use one per file (each holds its own secret).
     */
    static KeySource recipients(java.util.List<String> publicKeys) {
        return dev.tensorseal.internal.keys.RecipientsKey.fresh(publicKeys.stream()
                .map(dev.tensorseal.internal.keys.RecipientKey::parse).toList());
    }

    /**
     * A master key wrapped by a key-encryption key inside a PKCS#11 token (an HSM; SoftHSM2 in tests), named by an
     * RFC 7512 URI such as {@code pkcs11:token=prod;object=model-kek?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin}
     * (module also from {@code TENSORSEAL_PKCS11_MODULE}; PIN from {@code pin-source=file:}/{@code env:}, else
     * {@code TENSORSEAL_PKCS11_PIN}, else a console prompt). The wrapped key is read from {@code wrappedKeyFile}
     * ({@code FILE.tseal.p11key}, written by {@link #newPkcs11}); each {@link #writeKey} logs in and the token unwraps
     * it straight into the destination, so the key-encryption key never leaves the token and the master key never
     * touches the Java heap.
     */
    static KeySource pkcs11(String uri, Path wrappedKeyFile) {
        return dev.tensorseal.internal.keys.Pkcs11KeySource.existing(
                dev.tensorseal.internal.keys.Pkcs11Uri.parse(uri, System.getenv(dev.tensorseal.internal.keys.Pkcs11Uri.MODULE_ENV)),
                wrappedKeyFile);
    }

    /**
     * As {@link #pkcs11}, for a new file: the token makes a fresh master key and wraps it (CKM_AES_KEY_WRAP_KWP,
     * else CKM_AES_KEY_WRAP, else CKM_AES_GCM, whichever it offers first), and {@code wrappedKeyFile} is written
     * now (never replacing one). Delete it yourself if the file it was for is never written.
     */
    static KeySource newPkcs11(String uri, Path wrappedKeyFile) throws java.io.IOException {
        return dev.tensorseal.internal.keys.Pkcs11KeySource.create(
                dev.tensorseal.internal.keys.Pkcs11Uri.parse(uri, System.getenv(dev.tensorseal.internal.keys.Pkcs11Uri.MODULE_ENV)),
                wrappedKeyFile, null);
    }

    /** Key bytes from the application, copied off-heap at once; wipe your array afterwards ({@link Wipe#wipe(byte[])}). */
    static KeySource bytes(byte[] key) {
        return new BytesKeySource(MemorySegment.ofArray(key));
    }

    /** Key bytes from the application, copied off-heap at once; wipe your segment afterwards. */
    static KeySource bytes(MemorySegment key) {
        return new BytesKeySource(key);
    }
}
