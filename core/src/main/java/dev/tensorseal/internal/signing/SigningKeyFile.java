package dev.tensorseal.internal.signing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * A signing key at rest: a PKCS#8 PEM file, created owner-only (0600) and never replaced. The JDK's EC keys live
 * on the Java heap while a signature is made (see SECURITY.md); the PEM bytes read are wiped after parsing.
 */
public final class SigningKeyFile {
    private SigningKeyFile() {}

    /** Writes a fresh P-256 private key to {@code target} (0600, refusing an existing name); returns its public key. */
    public static PublicKey create(Path target) throws IOException {
        KeyPair pair = SigningKeys.generate();
        byte[] pem = SigningKeys.privatePem(pair.getPrivate());
        try {
            dev.tensorseal.internal.tseal.TsealWriter.atomicWrite(target, false, null, ch -> {
                ByteBuffer b = ByteBuffer.wrap(pem);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            });
        } finally {
            Arrays.fill(pem, (byte) 0);
        }
        return pair.getPublic();
    }

    /** Signs {@code file} with the key in {@code keyFile}; see {@link ModelSigning#sign}. */
    public static Path sign(Path file, Path keyFile, boolean replace) throws IOException {
        byte[] pem = Files.readAllBytes(keyFile);
        PrivateKey key;
        try {
            key = SigningKeys.readPrivate(pem, "signing key file " + keyFile);
        } finally {
            Arrays.fill(pem, (byte) 0);
        }
        return ModelSigning.sign(file, key, publicOf(key), replace);
    }

    /** The public half of an EC private key: d times the curve's generator (Bouncy Castle; the JDK has no such call). */
    static PublicKey publicOf(PrivateKey key) {
        var ec = (java.security.interfaces.ECPrivateKey) key;
        var params = ec.getParams();
        var bcParams = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util.convertSpec(params);
        var q = bcParams.getG().multiply(ec.getS()).normalize();
        var w = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        try {
            return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(w, params));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }
}
