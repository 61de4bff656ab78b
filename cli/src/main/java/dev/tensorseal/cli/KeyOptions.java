package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.Wipe;
import dev.tensorseal.internal.store.keys.EnvironmentText;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.tseal.KdfParams;
import dev.tensorseal.internal.tseal.PassphraseKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The key options: {@code --key-file FILE}, {@code --key-env VAR} (64 hex digits or base64) or
 * {@code --passphrase-env VAR} (Argon2id). {@code rekey} also takes them with a {@code --new-} prefix.
 * Environment values are read through libc {@code getenv} (FFM) into off-heap memory or a wiped {@code char[]},
 * never a Java String.
 */
final class KeyOptions {
    static final String FILE = "--key-file";
    static final String ENV = "--key-env";
    static final String PASSPHRASE_ENV = "--passphrase-env";
    static final Set<String> OPTIONS = Set.of(FILE, ENV, PASSPHRASE_ENV);
    static final Set<String> NEW_OPTIONS = Set.of("--new" + FILE.substring(1), "--new" + ENV.substring(1),
            "--new" + PASSPHRASE_ENV.substring(1));
    static final String KEY_HELP = "key: --key-file FILE (32 raw bytes, see keygen) | --key-env VAR (64 hex digits or base64)\n"
            + "     | --passphrase-env VAR (a passphrase; Argon2id, 64 MiB, 3 passes)";

    private KeyOptions() {}

    static boolean present(Args a, String prefix) {
        return options(prefix).stream().anyMatch(o -> a.value(o).isPresent());
    }

    /** The key that opens {@code file} (for a passphrase: with the Argon2id salt and costs recorded in it). */
    static KeySource forExisting(Args a, Path file, PrintStream err) throws IOException {
        return source(a, "--", p -> SealedFile.passphraseKeyFor(file, p), err);
    }

    /** A key for an existing remote file whose (unverified) header recorded {@code kdf} (null: sealed under a raw key). */
    static KeySource forExisting(Args a, KdfParams kdf, String name, PrintStream err) throws IOException {
        return source(a, "--", p -> {
            if (kdf == null) {
                throw new UnsupportedParameterException(name + " was sealed under a key, not a passphrase");
            }
            return new PassphraseKey(p, kdf);
        }, err);
    }

    /** Makes the key for an existing file from a passphrase (which the caller wipes afterwards). */
    private interface FromPassphrase {
        KeySource key(char[] passphrase) throws IOException;
    }

    /** A key for a new file: for a passphrase, a fresh salt. */
    static KeySource forNew(Args a, String prefix, PrintStream err) throws IOException {
        return source(a, prefix, SealedFile::newPassphraseKey, err);
    }

    private static List<String> options(String prefix) {
        List<String> out = new ArrayList<>();
        for (String o : List.of(FILE, ENV, PASSPHRASE_ENV)) {
            out.add(prefix + o.substring(2));
        }
        return out;
    }

    private static KeySource source(Args a, String prefix, FromPassphrase fromPassphrase, PrintStream err) throws IOException {
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
            return KeySource.environment(value); // an unset variable fails at first use, naming it
        }
        char[] passphrase = EnvironmentText.getenvChars(value);
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

    private static Path keyFile(String arg, PrintStream err) throws IOException {
        Path p = Paths.input(arg);
        long size = Files.size(p);
        if (size != KeySource.KEY_BYTES) {
            throw new UsageException("key file " + p + " must hold exactly " + KeySource.KEY_BYTES + " raw bytes, it holds "
                    + size + " (make one with tensorseal keygen)");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            Set<PosixFilePermission> loose = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
            loose.retainAll(perms);
            if (!loose.isEmpty()) {
                err.println("tensorseal: warning: key file " + p + " is accessible to group or others (mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); run chmod 600 " + p);
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
        return p;
    }
}
