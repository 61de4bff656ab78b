package dev.tensorseal.internal.tseal;

import dev.tensorseal.DType;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.keys.RecipientStanza;
import dev.tensorseal.internal.store.StoreSnapshot;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a .tseal file (FORMAT.md, "Header"): fixed prefix, the recipient list (key kind 2 only; null
 * otherwise), metadata, wrapped data keys and the tensor table. Decoding bounds every count and length by the bytes actually present, so absurd values fail with a
 * message instead of an allocation.
 */
public record TsealHeader(byte[] fileId, long totalFileBytes, KdfParams kdf, byte[] keyCheck, byte[] keyCheckSalt,
                          Map<String, String> metadata, List<StoreSnapshot.WrappedKey> keys, List<Entry> tensors,
                          List<RecipientStanza> recipients) {
    public static final byte[] MAGIC = {'T', 'S', 'E', 'A', 'L', 0, '\r', '\n'};
    /** 2: chunks packed at chunk size + tag (version 1 padded each to 64 bytes); key check salted separately. */
    public static final int VERSION = 2;
    public static final int PREFIX_BYTES = 120;
    public static final int KEY_CHECK_SALT_BYTES = 16;
    public static final int MAC_BYTES = 32;
    public static final int MAX_HEADER_BYTES = 64 << 20;
    public static final int PAGE_BYTES = 4096;
    static final int TAG_BYTES = 16;
    /** Key-derivation kinds (offset 40): a raw key, an Argon2id passphrase, a master secret sealed to recipients. */
    static final int KIND_RAW = 0;
    static final int KIND_ARGON2ID = 1;
    static final int KIND_RECIPIENTS = 2;

    /** One tensor's row: its table plus where its first chunk starts in the file. */
    public record Entry(byte[] tensorId, TensorInfo info, int chunkSizeBytes, long dataOffsetBytes, int[] keyIndex,
                        long[] generations) {
        public long chunkCount() {
            return keyIndex.length;
        }

        /** Chunks are packed: no padding between them keeps the file's overhead at the tag and table entry. */
        public long strideBytes() {
            return chunkSizeBytes + (long) TAG_BYTES;
        }

        public long chunkOffsetBytes(int index) {
            return dataOffsetBytes + index * strideBytes();
        }

        /** Where this tensor's last chunk ends (the last chunk is not padded to a full stride). */
        public long endBytes() {
            int n = keyIndex.length;
            return n == 0 ? dataOffsetBytes : chunkOffsetBytes(n - 1) + chunkBytes(n - 1);
        }

        public long chunkBytes(int index) {
            long plain = Math.min(chunkSizeBytes, info.byteSize() - (long) index * chunkSizeBytes);
            return plain + TAG_BYTES;
        }
    }

    static long align(long v, long to) {
        return (v + to - 1) / to * to;
    }

    /** Chunks of {@code info} at {@code chunkSizeBytes}: 0 for an empty tensor. */
    static long chunkCount(TensorInfo info, int chunkSizeBytes) {
        return Math.ceilDiv(info.byteSize(), (long) chunkSizeBytes); // no overflow near 2^63
    }

    /** Encodes the header region (prefix, body, zero padding) of exactly {@code headerBytes} bytes. */
    byte[] encode(int headerBytes) {
        ByteBuffer b = ByteBuffer.allocate(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(headerBytes).put(fileId).putLong(totalFileBytes);
        if (recipients != null) {
            b.put((byte) KIND_RECIPIENTS).put(new byte[31]);
        } else if (kdf == null) {
            b.put(new byte[32]);
        } else {
            b.put((byte) 1).put(new byte[3]).putInt(kdf.memoryKiB()).putInt(kdf.iterations()).putInt(kdf.parallelism())
                    .put(kdf.salt());
        }
        b.put(keyCheck).put(keyCheckSalt);
        if (recipients != null) {
            RecipientStanza.encode(recipients, b);
        }
        encodeBody(b);
        return b.array();
    }

    /** Bytes the header region needs before padding. */
    int unpaddedBytes() {
        ByteBuffer counter = ByteBuffer.allocate(MAX_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        encodeBody(counter);
        return PREFIX_BYTES + (recipients == null ? 0 : RecipientStanza.encodedBytes(recipients)) + counter.position();
    }

    private void encodeBody(ByteBuffer b) {
        b.putInt(metadata.size());
        for (var e : metadata.entrySet()) {
            putString(b, e.getKey());
            putString(b, e.getValue());
        }
        b.putInt(keys.size());
        for (StoreSnapshot.WrappedKey k : keys) {
            b.put(k.keyId());
            byte[] w = k.wrappedKey();
            b.putShort((short) w.length).put(w);
        }
        b.putInt(tensors.size());
        for (Entry t : tensors) {
            b.put(t.tensorId());
            putString(b, t.info().name());
            putString(b, t.info().dtype().name());
            long[] shape = t.info().shape();
            b.putInt(shape.length);
            for (long d : shape) {
                b.putLong(d);
            }
            b.putInt(t.chunkSizeBytes()).putLong(t.dataOffsetBytes()).putLong(t.keyIndex.length);
            for (int i = 0; i < t.keyIndex.length; i++) {
                b.putInt(t.keyIndex[i]).putLong(t.generations[i]);
            }
        }
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length).put(bytes);
    }

    /** The fixed prefix fields needed before the header can be authenticated. */
    record Prefix(int headerBytes, byte[] fileId, long totalFileBytes, KdfParams kdf, byte[] keyCheck, byte[] keyCheckSalt,
                  boolean recipients) {}

    static Prefix decodePrefix(ByteBuffer header, String source) {
        ByteBuffer b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new TensorSealException(source + ": not a .tseal file (bad magic)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new dev.tensorseal.UnsupportedParameterException(source + ": .tseal format version " + version
                    + " is not supported; this build reads version " + VERSION);
        }
        int headerBytes = b.getInt();
        byte[] fileId = new byte[16];
        b.get(fileId);
        long total = b.getLong();
        int kind = b.get();
        b.position(b.position() + 3);
        int mem = b.getInt();
        int iterations = b.getInt();
        int parallelism = b.getInt();
        byte[] salt = new byte[16];
        b.get(salt);
        byte[] check = new byte[32];
        b.get(check);
        byte[] checkSalt = new byte[KEY_CHECK_SALT_BYTES];
        b.get(checkSalt);
        KdfParams kdf = switch (kind) {
            case KIND_RAW, KIND_RECIPIENTS -> null;
            case KIND_ARGON2ID -> new KdfParams(mem, iterations, parallelism, salt);
            default -> throw new IntegrityException(source + ": unknown key-derivation kind " + kind + " in the header");
        };
        if (kind == KIND_RECIPIENTS && (mem | iterations | parallelism) != 0 || kind == KIND_RECIPIENTS && !isZero(salt)) {
            throw new IntegrityException(source + ": a file sealed to recipients has Argon2id fields set: the header was changed");
        }
        return new Prefix(headerBytes, fileId, total, kdf, check, checkSalt, kind == KIND_RECIPIENTS);
    }

    private static boolean isZero(byte[] bytes) {
        int acc = 0;
        for (byte x : bytes) {
            acc |= x;
        }
        return acc == 0;
    }

    /**
     * The recipient entries of a header region sealed to recipients (read before the MAC can be checked: an entry
     * yields the MAC key), or null for a file sealed under a key or passphrase.
     */
    public static List<RecipientStanza> recipientsOf(ByteBuffer header, String source) {
        if (!decodePrefix(header, source).recipients()) {
            return null;
        }
        return RecipientStanza.decode(header.duplicate().position(PREFIX_BYTES), source);
    }

    /** Decodes an authenticated header region; structural errors are integrity errors (the MAC already passed). */
    public static TsealHeader decode(ByteBuffer header, String source) {
        return decode(decodePrefix(header, source), header, source);
    }

    /** As {@link #decode(ByteBuffer, String)} for a region whose prefix {@code p} the caller already decoded (once). */
    static TsealHeader decode(Prefix p, ByteBuffer header, String source) {
        ByteBuffer b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(PREFIX_BYTES);
        List<RecipientStanza> recipients = p.recipients() ? RecipientStanza.decode(b, source) : null;
        b.order(ByteOrder.LITTLE_ENDIAN);
        try {
            Map<String, String> metadata = new LinkedHashMap<>();
            int n = count(b, 8, source, "metadata");
            for (int i = 0; i < n; i++) {
                metadata.put(getString(b, source), getString(b, source));
            }
            List<StoreSnapshot.WrappedKey> keys = new ArrayList<>();
            n = count(b, 18, source, "key");
            for (int i = 0; i < n; i++) {
                byte[] id = new byte[16];
                b.get(id);
                int len = Short.toUnsignedInt(b.getShort());
                if (len > 64) {
                    throw new IntegrityException(source + ": wrapped key of " + len + " bytes (at most 64)");
                }
                byte[] w = new byte[len];
                b.get(w);
                keys.add(new StoreSnapshot.WrappedKey(id, w));
            }
            List<Entry> tensors = new ArrayList<>();
            n = count(b, 16 + 4 + 4 + 4 + 4 + 8 + 8, source, "tensor");
            for (int i = 0; i < n; i++) {
                byte[] id = new byte[16];
                b.get(id);
                String name = getString(b, source);
                String dtypeName = getString(b, source);
                int rank = count(b, 8, source, "dimension");
                long[] shape = new long[rank];
                for (int d = 0; d < rank; d++) {
                    shape[d] = b.getLong();
                }
                TensorInfo info = info(name, dtypeName, shape, i, source);
                int chunkSize = b.getInt();
                long offset = b.getLong();
                long chunks = b.getLong();
                if (chunkSize <= 0 || chunks != chunkCount(info, chunkSize) || chunks > b.remaining() / 12) {
                    throw new IntegrityException(source + ": tensor #" + i + " has " + chunks + " chunks of "
                            + chunkSize + " bytes for " + info.byteSize() + " bytes");
                }
                int[] ki = new int[(int) chunks];
                long[] gens = new long[(int) chunks];
                for (int c = 0; c < chunks; c++) {
                    ki[c] = b.getInt();
                    gens[c] = b.getLong();
                }
                tensors.add(new Entry(id, info, chunkSize, offset, ki, gens));
            }
            while (b.hasRemaining()) {
                if (b.get() != 0) {
                    // Covered by the MAC, so only a faulty writer holding the key gets here.
                    throw new IntegrityException(source + ": header padding byte at offset " + (b.position() - 1) + " is not zero");
                }
            }
            return new TsealHeader(p.fileId(), p.totalFileBytes(), p.kdf(), p.keyCheck(), p.keyCheckSalt(), metadata, keys, tensors,
                    recipients);
        } catch (BufferUnderflowException e) {
            throw new IntegrityException(source + ": the header table runs past the header's end");
        }
    }

    /**
     * The tensor's info, or an integrity error that names it by position only: this also decodes unauthenticated
     * headers ({@code inspect} without a key), whose bytes must not reach a message.
     */
    private static TensorInfo info(String name, String dtype, long[] shape, int index, String source) {
        try {
            return TensorInfo.of(name, DType.of(dtype), shape);
        } catch (RuntimeException e) {
            throw new IntegrityException(source + ": tensor #" + index + " has an invalid name, dtype or shape: the header"
                    + " was changed or was not written by tensorseal");
        }
    }

    private static int count(ByteBuffer b, int minEntryBytes, String source, String what) {
        int n = b.getInt();
        if (n < 0 || (long) n * minEntryBytes > b.remaining()) {
            throw new IntegrityException(source + ": " + what + " count " + Integer.toUnsignedString(n)
                    + " does not fit in the " + b.remaining() + " header bytes left");
        }
        return n;
    }

    private static String getString(ByteBuffer b, String source) {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new IntegrityException(source + ": string of " + Integer.toUnsignedString(len)
                    + " bytes does not fit in the header");
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
