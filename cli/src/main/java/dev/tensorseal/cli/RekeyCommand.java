package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.tseal.TsealFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code tensorseal rekey FILE}: re-wraps the data keys under a new key; chunk ciphertext is copied unchanged. */
final class RekeyCommand implements Command {
    @Override
    public String name() {
        return "rekey";
    }

    @Override
    public String summary() {
        return "re-wrap a .tseal file's data keys under a new key or passphrase (chunks are not re-encrypted)";
    }

    @Override
    public String usage() {
        return "usage: tensorseal rekey FILE.tseal KEY NEW-KEY\n"
                + "The file is rewritten atomically; afterwards only the new key opens it.\n" + KeyOptions.KEY_HELP
                + "\nnew key: --new-key-file FILE | --new-key-env VAR | --new-passphrase-env VAR";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.OPTIONS);
        values.addAll(KeyOptions.NEW_OPTIONS);
        Args a = Args.parse(args, values, Set.of(), Map.of());
        Path file = Paths.input(a.single(".tseal file"));
        Paths.output(file.toString(), true); // the rewrite needs a temporary file beside it
        try (KeySource oldKey = KeyOptions.forExisting(a, file, err); KeySource newKey = KeyOptions.forNew(a, "--new-", err)) {
            TsealFiles.rekey(file, oldKey, newKey);
            out.println("rekeyed " + file + ": data keys now wrapped under " + newKey.description());
        }
        return 0;
    }
}
