package dev.tensorseal.internal.keys;

import dev.tensorseal.IntegrityException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a .tseal header's recipient list (FORMAT.md, "Recipients"): a type id and an opaque body, so another
 * way of wrapping the file's master secret (a PKCS#11 token, a KMS) is a new type, not a new format. The list is
 * read before the header MAC can be checked (an entry is what yields the MAC key), so decoding bounds every count
 * and length by the bytes present; the MAC covers the list, so any edit fails then if not before.
 */
public record RecipientStanza(int type, byte[] body) {
    /** The list layout this build writes and reads. */
    public static final int LIST_VERSION = 1;
    /** HPKE base mode (RFC 9180) to a recipient's public key: {@link HpkeStanza}. */
    public static final int TYPE_HPKE = 1;
    /** At most this many entries: a bound on the work an unauthenticated header can ask for. */
    public static final int MAX_STANZAS = 1024;
    static final int MAX_BODY_BYTES = 4096;
    private static final int LIST_PREFIX_BYTES = 8;
    private static final int STANZA_PREFIX_BYTES = 6;

    public RecipientStanza {
        if (type < 0 || type > 0xFFFF || body.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("stanza type " + type + " or body of " + body.length + " bytes out of range");
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Bytes {@link #encode} writes for {@code stanzas}. */
    public static int encodedBytes(List<RecipientStanza> stanzas) {
        int n = LIST_PREFIX_BYTES;
        for (RecipientStanza s : stanzas) {
            n += STANZA_PREFIX_BYTES + s.body.length;
        }
        return n;
    }

    /** Writes the list: u8 version, 3 zero bytes, u32 count, then per entry u16 type, u32 body length, body. */
    public static void encode(List<RecipientStanza> stanzas, ByteBuffer out) {
        ByteBuffer b = out.order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) LIST_VERSION).put(new byte[3]).putInt(stanzas.size());
        for (RecipientStanza s : stanzas) {
            b.putShort((short) s.type).putInt(s.body.length).put(s.body);
        }
    }

    /** Reads a list written by {@link #encode} from {@code in}'s position, leaving it after the list. */
    public static List<RecipientStanza> decode(ByteBuffer in, String source) {
        ByteBuffer b = in.order(ByteOrder.LITTLE_ENDIAN);
        try {
            int version = Byte.toUnsignedInt(b.get());
            if (version != LIST_VERSION) {
                throw new IntegrityException(source + ": recipient list version " + version + " (this build reads "
                        + LIST_VERSION + "): the header was changed or written by a newer tensorseal");
            }
            for (int i = 0; i < 3; i++) {
                if (b.get() != 0) {
                    throw new IntegrityException(source + ": recipient list reserved byte " + i + " is not zero");
                }
            }
            int n = b.getInt();
            if (n < 1 || n > MAX_STANZAS || (long) n * STANZA_PREFIX_BYTES > b.remaining()) {
                throw new IntegrityException(source + ": recipient count " + Integer.toUnsignedString(n) + " is outside [1, "
                        + MAX_STANZAS + "] or does not fit in the header");
            }
            List<RecipientStanza> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int type = Short.toUnsignedInt(b.getShort());
                int len = b.getInt();
                if (len < 0 || len > MAX_BODY_BYTES || len > b.remaining()) {
                    throw new IntegrityException(source + ": recipient #" + i + " has a body of " + Integer.toUnsignedString(len)
                            + " bytes (at most " + MAX_BODY_BYTES + " and what the header holds)");
                }
                byte[] body = new byte[len];
                b.get(body);
                out.add(new RecipientStanza(type, body));
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new IntegrityException(source + ": the recipient list runs past the header's end");
        }
    }
}
