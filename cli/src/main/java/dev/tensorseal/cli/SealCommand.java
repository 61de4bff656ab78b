package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.keys.Pkcs11KeySource;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.RemoteStorage;
import dev.tensorseal.internal.remote.RemoteTseal;
import dev.tensorseal.internal.tseal.TempFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
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
        return "usage: tensorseal seal IN -o OUT.tseal (KEY | --recipient PUB...) [--force] [--quiet] [--follow-shard-links]\n"
                + "--recipient PUB: seal to a public key (repeatable): a fresh master secret, wrapped to each recipient with\n"
                + "HPKE (RFC 9180); the file opens with any recipient's --identity and nothing else.\n"
                + "IN: model.safetensors | model.safetensors.index.json (sharded) | model.onnx\n"
                + "A shard that is a symbolic link to a file outside the index's folder is refused unless --follow-shard-links\n"
                + "(a Hugging Face cache snapshot links its shards to ../../blobs).\n"
                + "OUT may be s3://bucket/key: sealed to a temporary file, then sent as a multipart upload (a failed upload\n"
                + "is aborted: nothing is left under the key). S3 settings: AWS_REGION, TENSORSEAL_S3_ENDPOINT,\n"
                + "TENSORSEAL_S3_PATH_STYLE=true; credentials from the AWS default chain.\n" + KeyOptions.KEY_HELP;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.OPTIONS);
        values.add("--out");
        values.add(KeyOptions.RECIPIENT);
        Args a = Args.parse(args, values, Set.of("--force", "--quiet", "--follow-shard-links"),
                Map.of("-o", "--out", "-q", "--quiet"), Set.of(KeyOptions.RECIPIENT));
        Path in = Paths.input(a.single("input file"));
        String out0 = a.required("--out");
        if (out0.contains("://")) {
            URI uri;
            try {
                uri = new URI(out0);
            } catch (java.net.URISyntaxException e) {
                throw new UsageException("not a valid URI: " + e.getMessage());
            }
            return sealToRemote(in, uri, a, out, err);
        }
        Path target = Paths.output(out0, a.flag("--force"));
        seal(in, target, Pkcs11KeySource.wrappedKeyFileFor(target), a, err);
        TsealHeader h = TsealReader.readUnverified(target);
        long bytes = h.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
        out.println("sealed " + h.tensors().size() + " tensors (" + bytes + " bytes) from " + in + " into " + target
                + " (" + Files.size(target) + " bytes)");
        return 0;
    }

    /**
     * Seals into a temporary file in {@code java.io.tmpdir}, then uploads it whole. The file is a {@link TempFiles} one:
     * deleted afterwards whatever happens, on SIGINT or SIGTERM too, and after a SIGKILL by the next run's clean-up.
     */
    private static int sealToRemote(Path in, URI target, Args a, PrintStream out, PrintStream err) throws IOException {
        RemoteOptions options = RemoteOptions.defaults();
        RemoteStorage storage = RemoteTseal.storageFor(target, options);
        Path local = TempFiles.create(Path.of(System.getProperty("java.io.tmpdir")), "tensorseal-upload.tseal");
        try {
            seal(in, local, null, a, err);
            long size = Files.size(local);
            try (Progress progress = Progress.start("upload", size, a.flag("--quiet"), err)) {
                storage.upload(local, target, options, a.flag("--force"), progress);
            }
            TsealHeader h = TsealReader.readUnverified(local);
            long bytes = h.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
            out.println("sealed " + h.tensors().size() + " tensors (" + bytes + " bytes) from " + in + " into " + target
                    + " (" + size + " bytes, uploaded)");
            return 0;
        } finally {
            Files.deleteIfExists(local);
            TempFiles.release(local);
        }
    }

    /** Seals {@code in} into {@code target}; {@code wrappedKeyFile} is where a pkcs11: key's wrapped key goes (null: none). */
    private static void seal(Path in, Path target, Path wrappedKeyFile, Args a, PrintStream err) throws IOException {
        String name = in.getFileName().toString();
        if (!name.endsWith(".onnx") && !name.endsWith(".safetensors") && !name.endsWith(".json")) {
            throw new UsageException("cannot tell the format of " + in + ": expected .safetensors, .json (shard index) or .onnx");
        }
        try (KeySource key = KeyOptions.forNew(a, "--", wrappedKeyFile, err)) {
            try (Progress progress = Progress.start("seal", name.endsWith(".json") ? -1 : Files.size(in), a.flag("--quiet"), err)) {
                if (name.endsWith(".onnx")) {
                    TsealFiles.importOnnx(in, key, target, progress);
                } else {
                    TsealFiles.importSafetensors(in, key, target, progress, a.flag("--follow-shard-links"));
                }
            } catch (IOException | RuntimeException e) {
                KeyOptions.discardNew(key);
                throw e;
            }
            if (wrappedKeyFile != null) {
                KeyOptions.commitNew(key, wrappedKeyFile);
            }
        }
    }
}
