package dev.tensorseal.cli;

import dev.tensorseal.SealedFile;
import dev.tensorseal.internal.signing.ModelSigning;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensorseal sign FILE --signing-key KEY}: an OpenSSF model signing v1.0 signature of every byte of FILE in
 * {@code FILE.sig} beside it. Needs no decryption key.
 */
final class SignCommand implements Command {
    @Override
    public String name() {
        return "sign";
    }

    @Override
    public String summary() {
        return "sign a .tseal file (FILE.sig beside it, OpenSSF model signing v1.0; no decryption key needed)";
    }

    @Override
    public String usage() {
        return "usage: tensorseal sign FILE.tseal --signing-key KEY.pem [--force]\n"
                + "Writes FILE.tseal.sig: a Sigstore bundle (DSSE envelope, in-toto statement, predicate\n"
                + "https://model_signing/signature/v1.0) over the SHA-256 of every byte of FILE.tseal, signed with the ECDSA key\n"
                + "from keygen --signing-key (or any PKCS#8 P-256/P-384 PEM). An existing signature is replaced only with --force.\n"
                + "Check it with: tensorseal verify FILE.tseal --signer PUB (or model_signing verify key).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(args, Set.of("--signing-key"), Set.of("--force"), Map.of());
        Path file = Paths.input(a.single(".tseal file"));
        Path key = Paths.input(a.required("--signing-key"));
        Path sig;
        try {
            sig = SealedFile.sign(file, key, a.flag("--force"));
        } catch (FileAlreadyExistsException e) {
            throw new UsageException(ModelSigning.signaturePath(file) + " already exists (pass --force to replace it)");
        }
        out.println("signed " + file + ": " + sig);
        return 0;
    }
}
