package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.keys.Pkcs11KeySource;
import dev.tensorseal.internal.keys.RecipientKey;
import dev.tensorseal.internal.tseal.TsealFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensorseal rekey FILE}: re-wraps the data keys under a new key (chunk ciphertext copied unchanged), or
 * with {@code --deep} re-seals every tensor under fresh data keys first. A symbolic link is followed: the file it
 * names is rewritten, with its mode kept.
 */
final class RekeyCommand implements Command {
    @Override
    public String name() {
        return "rekey";
    }

    @Override
    public String summary() {
        return "re-wrap a .tseal file's data keys under a new key or passphrase (--deep: also re-encrypt every chunk)";
    }

    @Override
    public String usage() {
        return "usage: tensorseal rekey FILE.tseal KEY NEW-KEY [--deep] [--force] [--quiet]\n"
                + "The file is rewritten atomically; afterwards only the new key opens it. A symbolic link is followed (the\n"
                + "file it names is rekeyed, its mode kept). A file with other hard links is refused: the rewrite is a new\n"
                + "file, so the other names would keep the old key; --force rekeys this name only.\n"
                + "--deep: every tensor is re-encrypted under fresh data keys (chunks decrypted and re-sealed in memory), so\n"
                + "a data key that leaked from the old file opens nothing in the new one.\n" + KeyOptions.KEY_HELP
                + "\nnew key: --new-key-file FILE | --new-key-env VAR | --new-passphrase-env VAR | --new-key pkcs11:...\n"
                + "(a pkcs11: key's wrapped key FILE.tseal.p11key is replaced once the file is rewritten; with a new key of\n"
                + "another kind it is removed)\n"
                + "recipients (instead of a new key): --add-recipient PUB, --remove-recipient PUB (repeatable; the old key is\n"
                + "usually --identity FILE). Only the header is rewritten. Adding keeps the master secret; removing draws a new\n"
                + "one and re-wraps the data keys, so the removed identity does not open the new file (a copy it kept of the\n"
                + "old file still opens; --deep also re-encrypts every chunk under fresh data keys).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.EXISTING_OPTIONS);
        values.addAll(KeyOptions.NEW_OPTIONS);
        Set<String> recipientOptions = Set.of(KeyOptions.ADD_RECIPIENT, KeyOptions.REMOVE_RECIPIENT);
        values.addAll(recipientOptions);
        Args a = Args.parse(args, values, Set.of("--deep", "--force", "--quiet"), Map.of("-q", "--quiet"), recipientOptions);
        boolean recipients = a.value(KeyOptions.ADD_RECIPIENT).isPresent() || a.value(KeyOptions.REMOVE_RECIPIENT).isPresent();
        if (recipients && KeyOptions.present(a, "--new-")) {
            throw new UsageException("give either --add-recipient/--remove-recipient or a new key, not both");
        }
        Path file = Paths.input(a.single(".tseal file"));
        Path real = file.toRealPath();
        Paths.output(real.toString(), true); // the rewrite needs a temporary file beside the real file
        int links = ((Number) Files.getAttribute(real, "unix:nlink")).intValue();
        if (links > 1 && !a.flag("--force")) {
            throw new UsageException(file + " has " + links + " hard links: the rekeyed file replaces this name only and"
                    + " the other " + (links - 1) + " would keep the old key (pass --force to rekey this name anyway)");
        }
        if (recipients) {
            List<RecipientKey> add = parse(KeyOptions.recipients(a, KeyOptions.ADD_RECIPIENT));
            List<RecipientKey> remove = parse(KeyOptions.recipients(a, KeyOptions.REMOVE_RECIPIENT));
            try (KeySource key = KeyOptions.forExisting(a, file, err)) {
                List<RecipientKey> now = TsealFiles.rekeyRecipients(real, key, add, remove, a.flag("--deep"));
                // A file handed from a token key to recipients: the wrapped key beside it opens nothing now.
                Files.deleteIfExists(Pkcs11KeySource.wrappedKeyFileFor(file));
                out.println("rekeyed " + file + ": sealed to " + now.size() + " recipient(s)"
                        + (remove.isEmpty() ? " (master secret kept, header rewritten)" : " (new master secret, data keys re-wrapped)"));
            }
            return 0;
        }
        Path wrappedKey = Pkcs11KeySource.wrappedKeyFileFor(file);
        try (KeySource oldKey = KeyOptions.forExisting(a, file, err);
                KeySource newKey = KeyOptions.forNew(a, "--new-", wrappedKey, err)) {
            try {
                TsealFiles.rekey(real, oldKey, newKey, a.flag("--deep"));
            } catch (IOException | RuntimeException e) {
                KeyOptions.discardNew(newKey);
                throw e;
            }
            KeyOptions.commitNew(newKey, wrappedKey);
            out.println("rekeyed " + (real.equals(file.toAbsolutePath()) ? file : file + " (" + real + ")") + ": data keys "
                    + (a.flag("--deep") ? "fresh, chunks re-encrypted, " : "") + "now wrapped under " + newKey.description());
        }
        return 0;
    }

    private static List<RecipientKey> parse(List<String> texts) {
        return texts.stream().map(RecipientKey::parse).toList();
    }
}
