package dev.tensorseal.cli;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.internal.tseal.TsealExport;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code tensorseal open IN -o OUT}: decrypt back to the source format (safetensors, sharded, or .onnx). */
final class OpenCommand implements Command {
    @Override
    public String name() {
        return "open";
    }

    @Override
    public String summary() {
        return "export a .tseal file back to safetensors (sharded: index + shards) or, for ONNX imports, .onnx";
    }

    @Override
    public String usage() {
        return "usage: tensorseal open IN.tseal -o OUT KEY [--force] [--quiet]\n"
                + "Writes plaintext: OUT.safetensors, a shard index OUT.json with its shards beside it, or OUT.onnx\n"
                + "(initializers inline), whichever the file was sealed from. A chunk that fails authentication stops the\n"
                + "export and leaves no output (a sharded export verifies every chunk before writing its first shard, and\n"
                + "removes the shards it wrote if a later one fails). Existing files, shards included, are replaced only\n"
                + "with --force.\n"
                + "--signer PUB: refuse (exit 1) unless IN.tseal.sig (tensorseal sign) is PUB's signature of every byte of IN,\n"
                + "checked before the key is asked for anything. " + Signers.HELP + ".\n"
                + SealedInput.HELP + "\n" + KeyOptions.KEY_HELP;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.EXISTING_OPTIONS);
        values.addAll(SealedInput.OPTIONS);
        values.add("--out");
        values.add("--signer");
        Set<String> flags = new HashSet<>(SealedInput.FLAGS);
        flags.addAll(Set.of("--force", "--quiet"));
        Args a = Args.parse(args, values, flags, Map.of("-o", "--out", "-q", "--quiet"));
        SealedInput in = SealedInput.of(a.single("input .tseal file or URI"), a);
        Path target = Paths.output(a.required("--out"), a.flag("--force"));
        String signedHeader = null; // the header digest of the signed bytes: the open is pinned to it
        if (a.value("--signer").isPresent()) {
            if (in.localPath() == null) {
                throw new UsageException("--signer checks local files only (the signature lies beside the file)");
            }
            signedHeader = Signers.parse(a.value("--signer").orElseThrow()).verify(in.localPath());
            if (signedHeader == null) {
                throw new IntegrityException(in.name() + " is signed, but too short to be a sealed file");
            }
        }
        TsealHeader header;
        try (KeySource key = in.key(a, err)) {
            // The header is authenticated before any field of it is used, even for the progress total.
            TsealFiles.Opened opened = in.open(key, signedHeader);
            header = opened.header();
            long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
            try (Progress progress = Progress.start("open", total, a.flag("--quiet"), err)) {
                if (header.metadata().getOrDefault("source", "").equals("sharded")) {
                    // Shards are renamed into place one by one: authenticate everything before the first one lands.
                    in.verify(key, signedHeader, bytes -> { });
                }
                TsealExport.export(opened, target, progress, a.flag("--force"));
            }
        }
        long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
        String source = header.metadata().getOrDefault("source", "store");
        out.println("wrote " + target + " (" + source + ", " + header.tensors().size() + " tensors, " + total + " bytes)");
        return 0;
    }
}
