package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
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
        return "usage: tensorseal verify IN.tseal KEY [--quiet]\n"
                + "Decrypts every chunk in memory and discards it. Exit 0: intact; 1: wrong key or a damaged header or chunk.\n"
                + SealedInput.HELP + "\n" + KeyOptions.KEY_HELP;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.EXISTING_OPTIONS);
        values.addAll(SealedInput.OPTIONS);
        Set<String> flags = new HashSet<>(SealedInput.FLAGS);
        flags.add("--quiet");
        Args a = Args.parse(args, values, flags, Map.of("-q", "--quiet"));
        SealedInput in = SealedInput.of(a.single(".tseal file or URI"), a);
        TsealHeader header;
        try (KeySource key = in.key(a, err)) {
            // Authenticated before any field is used: an edited header is exit 1 here, never a parse error.
            TsealFiles.Opened opened = in.open(key);
            header = opened.header();
            opened.store().close();
            long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
            try (Progress progress = Progress.start("verify", total, a.flag("--quiet"), err)) {
                in.verify(key, progress);
            }
        }
        long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
        long chunks = header.tensors().stream().mapToLong(TsealHeader.Entry::chunkCount).sum();
        out.println("ok: " + in.name() + ": header and " + chunks + " chunks of " + header.tensors().size() + " tensors ("
                + total + " bytes) authenticated");
        return 0;
    }
}
