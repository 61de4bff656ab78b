package dev.tensorseal.internal.keys;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@link RecipientStanza#TYPE_HPKE} entry: the file's master secret sealed with HPKE base mode to one recipient.
 * Body: u16 KEM, KDF and AEAD ids (RFC 9180), then three u16-length-prefixed fields: the recipient's serialized
 * public key (so a rekey can wrap to the remaining recipients and an identity finds its entry), {@code enc}, and the
 * AEAD ciphertext (32-byte secret + 16-byte tag). HPKE info is {@link #INFO}; the AEAD's aad is the file id, so an
 * entry copied into another file does not open there.
 *
 * @param recipient the public key this entry was sealed to
 */
public record HpkeStanza(RecipientKey recipient, Hpke.Sealed sealed) {
    static final byte[] INFO = "tensorseal v1 recipient master secret".getBytes(StandardCharsets.US_ASCII);

    /** Seals {@code master} to {@code recipient} for the file {@code fileId}. */
    public static RecipientStanza wrap(RecipientKey recipient, SecretBytes master, byte[] fileId) {
        Hpke.Sealed s = Hpke.seal(recipient.suite(), recipient.publicKey(), INFO, fileId, master);
        HpkeSuite suite = recipient.suite();
        byte[] pk = recipient.publicKey();
        byte[] enc = s.enc();
        byte[] ct = s.ciphertext();
        ByteBuffer b = ByteBuffer.allocate(6 + 6 + pk.length + enc.length + ct.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(suite.kemId()).putShort(suite.kdfId()).putShort(suite.aeadId());
        b.putShort((short) pk.length).put(pk).putShort((short) enc.length).put(enc).putShort((short) ct.length).put(ct);
        return new RecipientStanza(RecipientStanza.TYPE_HPKE, b.array());
    }

    /** Parses an HPKE entry; any malformed body is an integrity failure naming the entry's position. */
    public static HpkeStanza parse(RecipientStanza stanza, int index, String source) {
        ByteBuffer b = ByteBuffer.wrap(stanza.body()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            HpkeSuite suite = HpkeSuite.recipientSuite(b.getShort(), b.getShort(), b.getShort());
            byte[] pk = field(b, suite.publicKeyBytes());
            byte[] enc = field(b, suite.publicKeyBytes());
            byte[] ct = field(b, -1);
            if (b.hasRemaining() || ct.length != dev.tensorseal.KeySource.KEY_BYTES + 16) {
                throw new IntegrityException("");
            }
            return new HpkeStanza(new RecipientKey(suite, pk), new Hpke.Sealed(enc, ct));
        } catch (BufferUnderflowException | IntegrityException | UnsupportedParameterException e) {
            throw new IntegrityException(source + ": recipient #" + index + " is not a well-formed HPKE entry: the header"
                    + " was changed");
        }
    }

    private static byte[] field(ByteBuffer b, int expected) {
        int len = Short.toUnsignedInt(b.getShort());
        if ((expected >= 0 && len != expected) || len > b.remaining()) {
            throw new IntegrityException("");
        }
        byte[] out = new byte[len];
        b.get(out);
        return out;
    }

    /** The master secret, opened with {@code privateKey}; an integrity failure when it does not open. */
    public SecretBytes open(SecretBytes privateKey, byte[] fileId) {
        return Hpke.open(recipient.suite(), privateKey, sealed, INFO, fileId);
    }
}
