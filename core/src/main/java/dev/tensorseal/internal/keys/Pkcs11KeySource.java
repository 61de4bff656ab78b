package dev.tensorseal.internal.keys;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.internal.pkcs11.Pkcs11Exception;
import dev.tensorseal.nativebridge.internal.pkcs11.Pkcs11Token;
import dev.tensorseal.nativebridge.internal.pkcs11.Pkcs11Token.Wrapping;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A master key kept wrapped by a key-encryption key that lives in a PKCS#11 token and never leaves it. The token
 * makes the master key and wraps it ({@link #create}); each {@link #writeKey} logs in and has the token unwrap it
 * straight into the store's off-heap destination (FFM binding: no Java array ever holds it). The wrapped form lies
 * in {@code FILE.tseal.p11key}, outside the .tseal header. The PIN is read once, when first needed (an environment
 * variable is scrubbed after that read, a prompt must not repeat), and held in hardened memory until {@link #close}.
 */
public final class Pkcs11KeySource implements KeySource {
    /** Preference order for a new wrapped key: key wrap with padding, plain key wrap (32 bytes need no pad), GCM. */
    static final List<Wrapping> PREFERENCE = List.of(Wrapping.AES_KEY_WRAP_KWP, Wrapping.AES_KEY_WRAP, Wrapping.AES_GCM);

    private final Pkcs11Uri uri;
    private final Path wrappedKeyFile;
    private SecretBytes pin; // guarded by this; null until first needed
    private boolean closed; // guarded by this

    private Pkcs11KeySource(Pkcs11Uri uri, Path wrappedKeyFile) {
        this.uri = uri;
        this.wrappedKeyFile = wrappedKeyFile;
    }

    /** The key whose wrapped form is in {@code wrappedKeyFile}, unwrapped by the token {@code uri} names. */
    public static Pkcs11KeySource existing(Pkcs11Uri uri, Path wrappedKeyFile) {
        return new Pkcs11KeySource(uri, wrappedKeyFile);
    }

    /**
     * Has the token make a fresh master key and wrap it with {@code uri}'s key-encryption key (the first of
     * {@link #PREFERENCE} the token offers, or {@code only} when given), and writes {@code wrappedKeyFile} (never
     * replacing one). The key source then unwraps from that file.
     */
    public static Pkcs11KeySource create(Pkcs11Uri uri, Path wrappedKeyFile, Wrapping only) throws IOException {
        if (Files.exists(wrappedKeyFile)) {
            throw new UnsupportedParameterException(wrappedKeyFile + " already exists (a wrapped key file is never replaced)");
        }
        Pkcs11KeySource source = new Pkcs11KeySource(uri, wrappedKeyFile);
        WrappedKeyFile w;
        try {
            w = source.withToken((token, session) -> {
            Wrapping m = only != null ? only : PREFERENCE.stream().filter(token::supports).findFirst()
                    .orElseThrow(() -> new UnsupportedParameterException("token '" + token.label() + "' offers none of "
                            + "CKM_AES_KEY_WRAP_KWP, CKM_AES_KEY_WRAP, CKM_AES_GCM"));
            long kek = session.findSecretKey(uri.object());
            byte[] iv = m == Wrapping.AES_GCM ? session.random(12) : new byte[0];
            WrappedKeyFile draft = new WrappedKeyFile(token.label(), uri.object(), m, iv, new byte[0]);
            return new WrappedKeyFile(token.label(), uri.object(), m, iv, session.wrapNewSecret(kek, m, iv, draft.aad()));
            });
            w.write(wrappedKeyFile);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
        return source;
    }

    @Override
    public void writeKey(MemorySegment destination) {
        WrappedKeyFile w;
        try {
            w = WrappedKeyFile.read(wrappedKeyFile);
        } catch (IOException e) {
            throw new TensorSealException("cannot read wrapped key file " + wrappedKeyFile + ": " + e.getMessage(), e);
        }
        if (!w.object().equals(uri.object())) {
            throw new UnsupportedParameterException(wrappedKeyFile + " is wrapped by token key '" + w.object() + "', not '"
                    + uri.object() + "'");
        }
        try {
            withToken((token, session) -> {
                session.unwrapSecret(session.findSecretKey(uri.object()), w.wrapping(), w.iv(), w.aad(), w.wrapped(),
                        destination.asSlice(0, KEY_BYTES));
                return null;
            });
        } catch (IntegrityException e) {
            destination.fill((byte) 0);
            throw new IntegrityException("wrapped key file " + wrappedKeyFile + " does not unwrap under " + uri.describe()
                    + " (it was changed, or another key wrapped it; the token says " + e.getMessage() + ")");
        } catch (RuntimeException e) {
            destination.fill((byte) 0);
            throw e;
        }
    }

    private interface TokenWork<T> {
        T run(Pkcs11Token token, Pkcs11Token.Session session);
    }

    private synchronized MemorySegment pin(Pkcs11Token token) {
        if (closed) {
            throw new IllegalStateException(description() + ": the key source is closed");
        }
        if (pin == null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment read = PinSource.read(uri.pinSource(), "token '" + token.label() + "'", arena);
                try {
                    if (read.byteSize() == 0) {
                        throw new UnsupportedParameterException("the PIN for " + uri.describe() + " is empty");
                    }
                    pin = SecretBytes.copyOf(read);
                } finally {
                    read.fill((byte) 0);
                }
            }
        }
        return pin.insecureSegment();
    }

    private <T> T withToken(TokenWork<T> work) {
        try {
            Pkcs11Token token = Pkcs11Token.find(uri.module(), uri.token(), uri.serial());
            Pkcs11Token.Session session;
            synchronized (this) {
                session = token.login(pin(token));
            }
            try (session) {
                return work.run(token, session);
            }
        } catch (Pkcs11Exception e) {
            if (e.isIntegrityFailure()) {
                throw new IntegrityException(e.getMessage());
            }
            if (e.isPinFailure()) {
                throw new TensorSealException("PKCS#11 login to " + uri.describe() + " failed: " + Pkcs11Exception.name(e.rv()));
            }
            throw new TensorSealException(uri.describe() + ": " + e.getMessage(), e);
        } catch (NativeException e) {
            throw new TensorSealException(uri.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Where the wrapped master key of {@code tseal} lies by convention: {@code FILE.tseal.p11key} beside it. */
    public static Path wrappedKeyFileFor(Path tseal) {
        return WrappedKeyFile.beside(tseal);
    }

    /** The wrapped key file this source unwraps. */
    public Path wrappedKeyFile() {
        return wrappedKeyFile;
    }

    @Override
    public String description() {
        return uri.describe(); // messages about the wrapped key name its file themselves
    }

    /** Zeroes the PIN held since the first use. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (pin != null) {
            pin.close();
            pin = null;
        }
    }
}
