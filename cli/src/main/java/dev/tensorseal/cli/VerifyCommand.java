package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.Signer;
import dev.tensorseal.internal.signing.ModelSigning;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensorseal verify FILE}: authenticates the header and every chunk; exit 1 names the first bad one. With
 * {@code --signer PUB} it first checks FILE.sig, and without a key that is all it checks (no decryption key needed).
 */
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
                + "       tensorseal verify IN.tseal --signer PUB [KEY] [--quiet]\n"
                + "Decrypts every chunk in memory and discards it. Exit 0: intact; 1: wrong key or a damaged header or chunk.\n"
                + "--signer PUB: checks IN.tseal.sig (sign) over every byte of the file against PUB (the tseal-signer:... text\n"
                + "keygen --signing-key printed, a file holding it, a PUBLIC KEY PEM or a CERTIFICATE PEM: its key; the chain\n"
                + "is not checked). Exit 1 when it is missing, another key's or the file changed. No key needed; with one,\n"
                + "the chunks are then authenticated too.\n"
                + SealedInput.HELP + "\n" + KeyOptions.KEY_HELP;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Set<String> values = new HashSet<>(KeyOptions.EXISTING_OPTIONS);
        values.addAll(SealedInput.OPTIONS);
        values.add("--signer");
        Set<String> flags = new HashSet<>(SealedInput.FLAGS);
        flags.add("--quiet");
        Args a = Args.parse(args, values, flags, Map.of("-q", "--quiet"));
        SealedInput in = SealedInput.of(a.single(".tseal file or URI"), a);
        String signedHeader = null; // with a key too, the chunks checked are the signed file's
        if (a.value("--signer").isPresent()) {
            Path file = in.localPath();
            if (file == null) {
                throw new UsageException("--signer checks local files only (the signature lies beside the file)");
            }
            Signer signer = Signers.parse(a.value("--signer").orElseThrow());
            signedHeader = signer.verify(file);
            out.println("ok: " + in.name() + ": signed by " + signer.text()
                    + " (every byte of the file, " + ModelSigning.signaturePath(file).getFileName() + ")");
            if (!KeyOptions.present(a, "--")) {
                return 0;
            }
        }
        TsealHeader header;
        try (KeySource key = in.key(a, err)) {
            // Authenticated before any field is used: an edited header is exit 1 here, never a parse error.
            TsealFiles.Opened opened = in.open(key, signedHeader);
            header = opened.header();
            opened.store().close();
            long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
            try (Progress progress = Progress.start("verify", total, a.flag("--quiet"), err)) {
                in.verify(key, signedHeader, progress);
            }
        }
        long total = header.tensors().stream().mapToLong(e -> e.info().byteSize()).sum();
        long chunks = header.tensors().stream().mapToLong(TsealHeader.Entry::chunkCount).sum();
        out.println("ok: " + in.name() + ": header and " + chunks + " chunks of " + header.tensors().size() + " tensors ("
                + total + " bytes) authenticated");
        return 0;
    }
}
