package dev.tensorseal.internal.signing;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.internal.tseal.TsealWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Signs and verifies a sealed file as a one-file model: the signature is an OpenSSF model signing v1.0 bundle
 * in {@code FILE.sig} beside the file (FILE.tseal.sig), over the SHA-256 of every byte of the file. No decryption
 * key is involved either way.
 */
public final class ModelSigning {
    /** What is appended to a file's name to name its signature. */
    public static final String SUFFIX = ".sig";

    private ModelSigning() {}

    /** Where {@code file}'s signature lives. */
    public static Path signaturePath(Path file) {
        return file.resolveSibling(file.getFileName() + SUFFIX);
    }

    /** Writes {@code file}'s signature (atomically; an existing one is replaced only with {@code replace}). */
    public static Path sign(Path file, PrivateKey privateKey, PublicKey publicKey, boolean replace) throws IOException {
        byte[] statement = ModelStatement.of(file.getFileName().toString(), FileSha256.of(file));
        byte[] bundle = SignatureBundle.sign(statement, privateKey, publicKey);
        Path target = signaturePath(file);
        TsealWriter.atomicWrite(target, replace, PosixFilePermissions.fromString("rw-r--r--"), ch -> {
            ByteBuffer b = ByteBuffer.wrap(bundle);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        });
        return target;
    }

    /**
     * Checks {@code file} against its signature under {@code signer}: the bundle's signature first, then the signed
     * statement's digest against every byte of the file.
     *
     * @return the header digest (SHA-256 of header and MAC, as {@code TsealReader.headerDigest}) of the bytes that
     *         were checked, for an open to pin: the file can be replaced after this returns; null when the file
     *         is too short for the header its bytes 12..15 declare (a signed file that is not a sealed one)
     * @throws IntegrityException when the signature is missing, another key's, or does not match the file
     */
    public static byte[] verify(Path file, PublicKey signer) throws IOException {
        Path sig = signaturePath(file);
        if (!Files.exists(sig, LinkOption.NOFOLLOW_LINKS)) {
            throw new IntegrityException(file.getFileName() + " is not signed (no " + sig.getFileName() + " beside it)");
        }
        long size = Files.size(sig);
        if (size > SignatureBundle.MAX_BYTES) {
            throw new IntegrityException(sig + " is " + size + " bytes, more than a signature bundle may be ("
                    + SignatureBundle.MAX_BYTES + ")");
        }
        byte[] bundle;
        try {
            bundle = Files.readAllBytes(sig);
        } catch (NoSuchFileException e) {
            throw new IntegrityException(file.getFileName() + " is not signed (no " + sig.getFileName() + " beside it)");
        }
        byte[] statement = SignatureBundle.verify(bundle, signer);
        FileSha256.Digests digests = FileSha256.read(file);
        ModelStatement.check(statement, digests.fileSha256());
        return digests.headerDigest();
    }
}
