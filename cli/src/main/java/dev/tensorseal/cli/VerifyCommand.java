package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code tensorseal verify FILE}: authenticates the header and every chunk; exit 1 names the first bad one. */
final class VerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "authenticate a .tseal file's header and every chunk (exit 1 names the first bad tensor and chunk)";
    }

    @Override
    public String usage() {
        return "usage: tensorseal verify FILE.tseal KEY [--quiet]\n"
                + "Decrypts every chunk in memory and discards it. Exit 0: intact; 1: wrong key or a damaged header or chunk.\n"
                + KeyOptions.KEY_HELP;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(args, KeyOptions.EXISTING_OPTIONS, Set.of("--quiet"), Map.of("-q", "--quiet"));
        Path file = Paths.input(a.single(".tseal file"));
        TsealHeader header;
        try (KeySource key = KeyOptions.forExisting(a, file, err)) {
            // Authenticated before any field is used: an edited header is exit 1 here, never a parse error.
            TsealFiles.Opened opened = TsealFiles.open(file, key);
            header = opened.header();
            opened.store().close();
            long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
            try (Progress progress = Progress.start("verify", total, a.flag("--quiet"), err)) {
                TsealFiles.verify(file, key, progress);
            }
        }
        long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
        long chunks = header.tensors().stream().mapToLong(TsealHeader.Entry::chunkCount).sum();
        out.println("ok: " + file + ": header and " + chunks + " chunks of " + header.tensors().size() + " tensors ("
                + total + " bytes) authenticated");
        return 0;
    }
}
