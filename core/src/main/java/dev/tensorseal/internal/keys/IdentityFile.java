package dev.tensorseal.internal.keys;

import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.tseal.TsealWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A recipient's private key at rest: {@code TSEALID1} (8 bytes), u16 KEM, KDF and AEAD ids (LE), u16 private key
 * length, the RFC 9180 serialized private key. Written owner-only (0600) through a temporary file and a link (never
 * replacing a file); read through a direct buffer into key memory, never a heap array.
 */
public final class IdentityFile {
    static final byte[] MAGIC = {'T', 'S', 'E', 'A', 'L', 'I', 'D', '1'};
    private static final int HEADER_BYTES = 16;

    private IdentityFile() {}

    /** Writes a new key pair of {@code suite} to {@code target} (which must not exist) and returns its public key. */
    public static RecipientKey generate(HpkeSuite suite, Path target) throws IOException {
        Hpke.KeyPair pair = Hpke.generate(suite);
        try (SecretBytes sk = pair.privateKey()) {
            TsealWriter.atomicWrite(target, false, null, ch -> {
                ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                head.put(MAGIC).putShort(suite.kemId()).putShort(suite.kdfId()).putShort(suite.aeadId())
                        .putShort((short) sk.size()).flip();
                write(ch, head);
                write(ch, sk.insecureSegment().asByteBuffer());
            });
            return new RecipientKey(suite, pair.publicKey());
        }
    }

    private static void write(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** A private key read from a file, with its suite. */
    record Loaded(HpkeSuite suite, SecretBytes privateKey) {}

    static Loaded read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size < HEADER_BYTES || size > HEADER_BYTES + 66) {
                throw notIdentity(path, "it holds " + size + " bytes");
            }
            MemorySegment buf = arena.allocate(size);
            try {
                ByteBuffer b = buf.asByteBuffer();
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) {
                        throw new TensorSealException("identity file " + path + " ended early");
                    }
                }
                ByteBuffer head = buf.asSlice(0, HEADER_BYTES).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                byte[] magic = new byte[MAGIC.length];
                head.get(magic);
                if (!Arrays.equals(magic, MAGIC)) {
                    throw notIdentity(path, "bad magic");
                }
                HpkeSuite suite = HpkeSuite.recipientSuite(head.getShort(), head.getShort(), head.getShort());
                int len = Short.toUnsignedInt(head.getShort());
                if (len != suite.privateKeyBytes() || HEADER_BYTES + len != size) {
                    throw notIdentity(path, "a " + suite.name() + " private key is " + suite.privateKeyBytes() + " bytes");
                }
                return new Loaded(suite, SecretBytes.copyOf(buf.asSlice(HEADER_BYTES, len)));
            } finally {
                buf.fill((byte) 0);
            }
        } catch (IOException e) {
            throw new TensorSealException("cannot read identity file " + path + ": " + e.getMessage(), e);
        }
    }

    private static UnsupportedParameterException notIdentity(Path path, String why) {
        return new UnsupportedParameterException(path + " is not a tensorseal identity file (" + why
                + "; make one with tensorseal keygen --recipient-key)");
    }
}
