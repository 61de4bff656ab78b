package dev.tensorseal.cli;

import dev.tensorseal.KdfLimits;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.Wipe;
import dev.tensorseal.internal.crypto.Argon2id;
import dev.tensorseal.internal.keys.EnvironmentText;
import dev.tensorseal.internal.keys.PassphraseKey;
import dev.tensorseal.internal.keys.Pkcs11KeySource;
import dev.tensorseal.internal.tseal.KdfParams;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The key options: {@code --key-file FILE}, {@code --key-env VAR} (64 hex digits or base64) or
 * {@code --passphrase-env VAR} (Argon2id) or {@code --key pkcs11:...} (a token-wrapped master key). {@code rekey} also takes them with a {@code --new-} prefix.
 * Opening also takes {@code --identity FILE} (a recipient's private key), sealing {@code --recipient PUB} (repeatable) instead.
 * Environment values are read once through libc {@code getenv} (FFM) into off-heap memory or a wiped {@code char[]},
 * never a Java String, and the variable is then zeroed in place and unset, so {@code /proc/PID/environ} no longer
 * shows it.
 */
final class KeyOptions {
    static final String FILE = "--key-file";
    static final String ENV = "--key-env";
    static final String PASSPHRASE_ENV = "--passphrase-env";
    /** A key named by URI: {@code pkcs11:...} (RFC 7512), a master key wrapped by a token key, in FILE.p11key. */
    static final String URI = "--key";
    static final Set<String> OPTIONS = Set.of(FILE, ENV, PASSPHRASE_ENV, URI);
    static final String MAX_KDF_MEMORY = "--max-kdf-memory";
    static final String MAX_KDF_PASSES = "--max-kdf-passes";
    /** A recipient's private key file (keygen --recipient-key): opens a file sealed to recipients. */
    static final String IDENTITY = "--identity";
    /** A public key (the tseal1-... text, or a file of them, one a line) to seal to; repeatable. */
    static final String RECIPIENT = "--recipient";
    static final String ADD_RECIPIENT = "--add-recipient";
    static final String REMOVE_RECIPIENT = "--remove-recipient";
    /** The key options of a command that opens an existing file: the key, and limits on its Argon2id cost. */
    static final Set<String> EXISTING_OPTIONS = Set.of(FILE, ENV, PASSPHRASE_ENV, URI, MAX_KDF_MEMORY, MAX_KDF_PASSES, IDENTITY);
    static final Set<String> NEW_OPTIONS = Set.of("--new" + FILE.substring(1), "--new" + ENV.substring(1),
            "--new" + PASSPHRASE_ENV.substring(1), "--new" + URI.substring(1));
    static final String KEY_HELP = "key: --key-file FILE (32 raw bytes, see keygen) | --key-env VAR (64 hex digits or base64)\n"
            + "     | --passphrase-env VAR (a passphrase; Argon2id, 64 MiB, 3 passes)\n"
            + "     | --key pkcs11:token=T;object=KEK?module-path=LIB.so&pin-source=file:PIN (RFC 7512; a master key wrapped\n"
            + "       by the token's key, kept in FILE.tseal.p11key beside the file; module also from TENSORSEAL_PKCS11_MODULE,\n"
            + "       PIN also from TENSORSEAL_PKCS11_PIN or a prompt)\n"
            + "     opening a passphrase file: --max-kdf-memory MiB (default 256), --max-kdf-passes N (default 8) bound the\n"
            + "     Argon2id cost its unauthenticated header may ask for\n"
            + "     | --identity FILE (a recipient's private key, see keygen --recipient-key): opens a file sealed to recipients;\n"
            + "       --identity pkcs11:... is the same as --key pkcs11:...\n"
            + "     sealing: --recipient PUB (repeatable; the tseal1-... line keygen printed, or a file of such lines)";

    private KeyOptions() {}

    static boolean present(Args a, String prefix) {
        return options(prefix).stream().anyMatch(o -> a.value(o).isPresent()) || prefix.equals("--") && a.value(IDENTITY).isPresent();
    }

    /** The key that opens {@code file} (for a passphrase: with the Argon2id salt and costs recorded in it). */
    static KeySource forExisting(Args a, Path file, PrintStream err) throws IOException {
        FromUri pkcs11 = uri -> KeySource.pkcs11(uri, Pkcs11KeySource.wrappedKeyFileFor(file));
        if (a.value(IDENTITY).isPresent()) {
            return identity(a, pkcs11, err);
        }
        return source(a, "--", p -> SealedFile.passphraseKeyFor(file, p, limits(a)), pkcs11, err);
    }

    /**
     * The identity {@code --identity} names, when it is the only key option given: a recipient's private key file, or
     * a {@code pkcs11:} URI (the same key as {@code --key pkcs11:...}: a master key the token's KEK wraps).
     */
    private static KeySource identity(Args a, FromUri pkcs11, PrintStream err) throws IOException {
        List<String> others = options("--").stream().filter(o -> a.value(o).isPresent()).toList();
        if (!others.isEmpty()) {
            throw new UsageException("give only one of " + String.join(", ", options("--")) + ", " + IDENTITY);
        }
        String value = a.value(IDENTITY).orElseThrow();
        if (value.startsWith("pkcs11:")) {
            return pkcs11.key(value);
        }
        Path p = Paths.input(value);
        warnIfLoose(p, "identity file", err);
        return KeySource.identity(p);
    }

    /**
     * The public keys of {@code option}'s values: each is a {@code tseal1-...} text, or a file holding such lines
     * (blank lines and {@code #} comments skipped), e.g. the saved output of {@code keygen --recipient-key}.
     */
    static List<String> recipients(Args a, String option) throws IOException {
        List<String> out = new ArrayList<>();
        for (String v : a.values(option)) {
            if (v.startsWith("tseal1-")) {
                out.add(v);
                continue;
            }
            Path p = Paths.input(v);
            if (Files.size(p) > 1 << 20) {
                throw new UsageException(option + " " + p + ": a recipients file is at most 1 MiB");
            }
            int before = out.size();
            List<String> lines;
            try {
                lines = Files.readAllLines(p);
            } catch (java.nio.charset.CharacterCodingException e) {
                // A private key or key file given by mistake: say so, and echo none of it.
                throw new UsageException(option + " " + p + " is not a text file of public keys (tseal1-... lines);"
                        + " an identity file is the private key: give its public key");
            }
            for (String line : lines) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
            if (out.size() == before) {
                throw new UsageException(option + " " + p + " holds no public key (a tseal1-... line)");
            }
        }
        return out;
    }

    /**
     * A key for an existing remote file; {@code kdf} reads the Argon2id parameters its (unverified) header records
     * (null: sealed under a raw key) only when a passphrase is given. Their cost is bounded as for a local file.
     */
    static KeySource forExisting(Args a, Supplier<KdfParams> kdf, String name, PrintStream err) throws IOException {
        FromUri pkcs11 = uri -> {
            throw new UsageException("pkcs11: keys open local files only (the wrapped key lies beside the file)");
        };
        if (a.value(IDENTITY).isPresent()) {
            return identity(a, pkcs11, err);
        }
        return source(a, "--", p -> {
            KdfParams params = kdf.get();
            if (params == null) {
                throw new UnsupportedParameterException(name + " was sealed under a key, not a passphrase");
            }
            limits(a).check(params.memoryKiB(), params.iterations(), name);
            return new PassphraseKey(p, params);
        }, pkcs11, err);
    }

    /** Makes the key for an existing file from a passphrase (which the caller wipes afterwards). */
    private interface FromPassphrase {
        KeySource key(char[] passphrase) throws IOException;
    }

    /** A key for a new file that is not local (no wrapped key file can lie beside it): for a passphrase, a fresh salt. */
    static KeySource forNew(Args a, String prefix, PrintStream err) throws IOException {
        return forNew(a, prefix, null, err);
    }

    /** Makes a key from a {@code --key} URI. */
    private interface FromUri {
        KeySource key(String uri) throws IOException;
    }

    /**
     * A key for a new file: for {@code --recipient}s, a fresh master secret sealed to them; for a passphrase, a fresh
     * salt; for a pkcs11: URI, a fresh master key made and wrapped by
     * the token, written now beside {@code wrappedKeyFile} as {@code NAME.new} (null: refused, the output is not a
     * local file). Once the sealed file is written the caller moves it into place ({@link #commitNew}), else deletes
     * it ({@link #discardNew}): a failed seal or rekey leaves the old file's wrapped key as it was.
     */
    static KeySource forNew(Args a, String prefix, Path wrappedKeyFile, PrintStream err) throws IOException {
        if (prefix.equals("--") && a.value(RECIPIENT).isPresent()) {
            if (present(a, prefix)) {
                throw new UsageException("give either " + RECIPIENT + " or one of " + String.join(", ", options(prefix)));
            }
            return KeySource.recipients(recipients(a, RECIPIENT));
        }
        return source(a, prefix, SealedFile::newPassphraseKey, uri -> {
            if (wrappedKeyFile == null) {
                throw new UsageException(prefix + "key pkcs11: seals to local files only (its wrapped key lies beside the file)");
            }
            return KeySource.newPkcs11(uri, pending(wrappedKeyFile));
        }, err);
    }

    private static Path pending(Path wrappedKeyFile) {
        return wrappedKeyFile.resolveSibling(wrappedKeyFile.getFileName() + ".new");
    }

    /**
     * After the file sealed under {@code key} is in place: moves a new wrapped key over {@code wrappedKeyFile}, or,
     * for a key of another kind, removes a {@code wrappedKeyFile} left from the file's previous key (it opens nothing now).
     */
    static void commitNew(KeySource key, Path wrappedKeyFile) throws IOException {
        if (key instanceof Pkcs11KeySource p) {
            Files.move(p.wrappedKeyFile(), wrappedKeyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else if (wrappedKeyFile != null) {
            Files.deleteIfExists(wrappedKeyFile);
        }
    }

    /** Removes the pending wrapped key a failed seal or rekey made for {@code key}, if it made one. */
    static void discardNew(KeySource key) throws IOException {
        if (key instanceof Pkcs11KeySource p) {
            Files.deleteIfExists(p.wrappedKeyFile());
        }
    }

    private static List<String> options(String prefix) {
        List<String> out = new ArrayList<>();
        for (String o : List.of(FILE, ENV, PASSPHRASE_ENV, URI)) {
            out.add(prefix + o.substring(2));
        }
        return out;
    }

    private static KeySource source(Args a, String prefix, FromPassphrase fromPassphrase, FromUri fromUri, PrintStream err)
            throws IOException {
        List<String> names = options(prefix);
        List<String> given = names.stream().filter(o -> a.value(o).isPresent()).toList();
        if (given.size() != 1) {
            throw new UsageException((given.isEmpty() ? "a key is required: " : "give only one of ") + String.join(", ", names));
        }
        String option = given.get(0);
        String value = a.value(option).orElseThrow();
        if (option.equals(names.get(0))) {
            return KeySource.file(keyFile(value, err));
        }
        if (option.equals(names.get(1))) {
            return environmentKey(value);
        }
        if (option.equals(names.get(3))) {
            if (!value.startsWith("pkcs11:")) {
                throw new UsageException(option + " takes a pkcs11: URI (RFC 7512), got '" + value + "'");
            }
            return fromUri.key(value);
        }
        char[] passphrase;
        try {
            passphrase = EnvironmentText.getenvChars(value);
        } finally {
            EnvironmentText.scrub(value);
        }
        if (passphrase == null) {
            throw new UsageException("environment variable " + value + " is not set");
        }
        try {
            if (passphrase.length == 0) {
                throw new UsageException("environment variable " + value + " is empty");
            }
            return fromPassphrase.key(passphrase);
        } finally {
            Wipe.wipe(passphrase);
        }
    }

    /**
     * Reads the key from {@code variable} once, into off-heap memory, then scrubs the variable from the process
     * environment (and so from {@code /proc/PID/environ}), whether or not its value was a valid key.
     */
    private static KeySource environmentKey(String variable) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(KeySource.KEY_BYTES);
            try (KeySource env = KeySource.environment(variable)) {
                env.writeKey(key); // an unset variable fails here, naming it
                return KeySource.bytes(key);
            } finally {
                key.fill((byte) 0);
                EnvironmentText.scrub(variable);
            }
        }
    }

    /** The Argon2id limits the command line sets, each defaulting to {@link KdfLimits#DEFAULTS}. */
    static KdfLimits limits(Args a) {
        int memoryMiB = intOption(a, MAX_KDF_MEMORY, KdfLimits.DEFAULTS.maxMemoryKiB() / 1024, 1, Argon2id.MAX_MEMORY_KIB / 1024);
        int passes = intOption(a, MAX_KDF_PASSES, KdfLimits.DEFAULTS.maxIterations(), 1, Argon2id.MAX_ITERATIONS);
        return new KdfLimits(memoryMiB * 1024, passes);
    }

    private static int intOption(Args a, String option, int fallback, int min, int max) {
        String v = a.value(option).orElse(null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a whole number from " + min + " to " + max + ", got '" + v + "'");
    }

    private static Path keyFile(String arg, PrintStream err) throws IOException {
        Path p = Paths.input(arg);
        long size = Files.size(p);
        if (size != KeySource.KEY_BYTES) {
            throw new UsageException("key file " + p + " must hold exactly " + KeySource.KEY_BYTES + " raw bytes, it holds "
                    + size + " (make one with tensorseal keygen)");
        }
        warnIfLoose(p, "key file", err);
        return p;
    }

    private static void warnIfLoose(Path p, String what, PrintStream err) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            Set<PosixFilePermission> loose = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
            loose.retainAll(perms);
            if (!loose.isEmpty()) {
                err.println("tensorseal: warning: " + what + " " + p + " is accessible to group or others (mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); run chmod 600 " + p);
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
