package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code tensorseal seal IN -o OUT}: a .safetensors file, a sharded checkpoint's index, or an .onnx model. */
final class SealCommand implements Command {
    @Override
    public String name() {
        return "seal";
    }

    @Override
    public String summary() {
        return "seal a .safetensors file, sharded checkpoint (.index.json) or .onnx model into a .tseal file";
    }

    @Override
    public String usage() {
        return "usage: tensorseal seal IN -o OUT.tseal KEY [--force] [--quiet] [--follow-shard-links]\n"
                + "IN: model.safetensors | model.safetensors.index.json (sharded) | model.onnx\n"
                + "A shard that is a symbolic link to a file outside the index's folder is refused unless --follow-shard-links\n"
                + "(a Hugging Face cache snapshot links its shards to ../../blobs).\n" + KeyOptions.KEY_HELP;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.OPTIONS);
        values.add("--out");
        Args a = Args.parse(args, values, Set.of("--force", "--quiet", "--follow-shard-links"),
                Map.of("-o", "--out", "-q", "--quiet"));
        Path in = Paths.input(a.single("input file"));
        Path target = Paths.output(a.required("--out"), a.flag("--force"));
        String name = in.getFileName().toString();
        try (KeySource key = KeyOptions.forNew(a, "--", err);
                Progress progress = Progress.start("seal", name.endsWith(".json") ? -1 : Files.size(in), a.flag("--quiet"), err)) {
            if (name.endsWith(".onnx")) {
                TsealFiles.importOnnx(in, key, target, progress);
            } else if (name.endsWith(".safetensors") || name.endsWith(".json")) {
                TsealFiles.importSafetensors(in, key, target, progress, a.flag("--follow-shard-links"));
            } else {
                throw new UsageException("cannot tell the format of " + in + ": expected .safetensors, .json (shard index) or .onnx");
            }
        }
        TsealHeader h = TsealReader.readUnverified(target);
        long bytes = h.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
        out.println("sealed " + h.tensors().size() + " tensors (" + bytes + " bytes) from " + in + " into " + target
                + " (" + Files.size(target) + " bytes)");
        return 0;
    }
}
