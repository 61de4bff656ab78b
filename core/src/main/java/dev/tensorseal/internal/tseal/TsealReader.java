package dev.tensorseal.internal.tseal;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.store.ChunkAad;
import dev.tensorseal.internal.store.ChunkSource;
import dev.tensorseal.internal.store.MappedSource;
import dev.tensorseal.internal.store.StoreSnapshot;
import dev.tensorseal.internal.keys.LoadedKey;
import dev.tensorseal.nativebridge.PositionalFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a .tseal file: reads and authenticates the header (key check, then HMAC over every header byte, then
 * the total length), maps the file, and returns a store snapshot whose chunks are slices of the mapping.
 * Cost is O(header); chunks are authenticated when the store decrypts them.
 */
public final class TsealReader {
    private TsealReader() {}

    /** The header read without a key: for {@code inspect}; nothing in it is authenticated. */
    public static TsealHeader readUnverified(Path path) throws IOException {
        try (FileChannel ch = channel(path)) {
            ByteBuffer region = readRegion(ch, path);
            return TsealHeader.decode(region, path.getFileName().toString());
        }
    }

    /** The header digest of {@code path} ({@link #headerDigest}), read without a key. */
    public static byte[] headerDigest(Path path) throws IOException {
        try (FileChannel ch = channel(path)) {
            ByteBuffer region = readRegion(ch, path);
            ByteBuffer mac = ByteBuffer.allocate(TsealHeader.MAC_BYTES);
            readFully(ch, mac, region.remaining());
            return headerDigest(region, mac.array());
        }
    }

    /** The key-derivation parameters in the (unauthenticated) header, or null when sealed under a raw key. */
    public static KdfParams kdfOf(Path path) throws IOException {
        try (FileChannel ch = channel(path)) {
            return kdfOf(readRegion(ch, path), path.getFileName().toString());
        }
    }

    /** Whether the (unauthenticated) header of {@code path} says the file is sealed to recipients. */
    public static boolean sealedToRecipients(Path path) throws IOException {
        try (FileChannel ch = channel(path)) {
            return TsealHeader.decodePrefix(readRegion(ch, path), path.getFileName().toString()).recipients();
        }
    }

    /** The key-derivation parameters in {@code region}'s (unauthenticated) fixed prefix, or null for a raw key. */
    public static KdfParams kdfOf(ByteBuffer region, String source) {
        return TsealHeader.decodePrefix(region, source).kdf();
    }

    /**
     * An authenticated header, the chunks as a snapshot (slices of {@code file}: the mapping, or a remote object's
     * reserved range), their reader, and the SHA-256 of the header bytes and MAC ({@link #headerDigest}).
     */
    public record Opened(TsealHeader header, StoreSnapshot snapshot, MemorySegment file, ChunkSource source, byte[] headerDigest) {}

    /** Authenticates the header under {@code key} and maps the file into {@code arena} (which must outlive the store). */
    public static Opened open(Path path, KeySource key, Arena arena) throws IOException {
        return open(path, key, arena, null);
    }

    /**
     * As {@link #open(Path, KeySource, Arena)}; a non-null {@code pinnedDigest} must be the {@link #headerDigest} of
     * the header read, checked before {@code key} is asked for anything.
     */
    public static Opened open(Path path, KeySource key, Arena arena, byte[] pinnedDigest) throws IOException {
        // One open of the file: the header, the mapping and every later pread of a chunk see the same file, even
        // if the path is renamed over meanwhile (the channel is opened through /proc/self/fd of the pread file).
        dev.tensorseal.internal.safetensors.SafetensorsFile.requireRegular(path); // a FIFO would block the open
        PositionalFile pread = PositionalFile.open(path).orElse(null);
        try {
            return open(path, pread == null ? path : pread.path(), pread, key, arena, pinnedDigest);
        } catch (IOException | RuntimeException | Error e) {
            if (pread != null) {
                pread.close();
            }
            throw e;
        }
    }

    private static Opened open(Path path, Path same, PositionalFile pread, KeySource key, Arena arena, byte[] pinnedDigest)
            throws IOException {
        String source = path.getFileName().toString();
        try (FileChannel ch = FileChannel.open(same, StandardOpenOption.READ)) {
            ByteBuffer region = readRegion(ch, path);
            ByteBuffer macStored = ByteBuffer.allocate(TsealHeader.MAC_BYTES);
            readFully(ch, macStored, region.remaining());
            byte[] digest = headerDigest(region, macStored.array());
            if (pinnedDigest != null && !java.security.MessageDigest.isEqual(digest, pinnedDigest)) {
                throw new IntegrityException(source + ": the header is not the one that was checked (its digest differs):"
                        + " the file was replaced or changed after its signature was verified");
            }
            long size = ch.size();
            TsealHeader header = authenticate(region, macStored.array(), size, source, key);
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new Opened(header, snapshot(header, region.remaining(), map, source), map, new MappedSource(source, map, pread),
                    digest);
        }
    }

    /**
     * Checks {@code region} (the header bytes) and {@code mac} under {@code key} (key check, then the HMAC over every
     * header byte, then that the file is the {@code sizeBytes} long its header says) and decodes it.
     */
    public static TsealHeader authenticate(ByteBuffer region, byte[] mac, long sizeBytes, String source, KeySource key) {
        TsealHeader.Prefix prefix = TsealHeader.decodePrefix(region, source);
        if (prefix.recipients() && key instanceof LoadedKey once) {
            // A recipient identity's key is the master secret its entry opens; it is then checked as any key is.
            once.bindToHeader(TsealHeader.recipientsOf(region, source), prefix.fileId(), source);
        } else if (key instanceof LoadedKey once && once.awaitsHeader()) {
            // The kind is not authenticated yet: one flipped bit turns a recipients file into one "under a key", so
            // an identity here is a wrong key (exit 1), as a key is on a file sealed to recipients.
            throw new IntegrityException(source + ": wrong key: " + key.description() + " is a recipient identity, but the"
                    + " header says the file is sealed under a " + (prefix.kdf() == null ? "key" : "passphrase")
                    + ", not to recipients (or the header was changed)");
        }
        try (FileKeys keys = new FileKeys(key, prefix.fileId(), prefix.keyCheckSalt())) {
            if (!keys.keyCheckMatches(prefix.keyCheck())) {
                throw new IntegrityException(source + ": wrong key (the key check value does not match " + key.description() + ")"
                        + (prefix.recipients() ? "; the file is sealed to recipients: open it with a recipient's identity" : ""));
            }
            byte[] regionBytes = new byte[region.remaining()];
            region.duplicate().get(regionBytes);
            if (!java.security.MessageDigest.isEqual(keys.mac(regionBytes), mac)) {
                throw new IntegrityException(source + ": header authentication failed: a header byte was changed");
            }
        }
        if (sizeBytes != prefix.totalFileBytes()) {
            throw new IntegrityException(source + ": file is " + sizeBytes + " bytes but its header says "
                    + prefix.totalFileBytes() + ": bytes were " + (sizeBytes > prefix.totalFileBytes() ? "appended" : "removed"));
        }
        return TsealHeader.decode(prefix, region, source); // the prefix checked above, not parsed again
    }

    /** The authenticated {@code header}'s tensors as a snapshot whose chunks are slices of {@code file} (offset 0 = byte 0). */
    public static StoreSnapshot snapshot(TsealHeader header, int headerBytes, MemorySegment file, String source) {
        long size = file.byteSize();
        List<StoreSnapshot.Tensor> tensors = new ArrayList<>();
        long previousEnd = headerBytes + (long) TsealHeader.MAC_BYTES;
        for (TsealHeader.Entry e : header.tensors()) {
            long end = e.endBytes();
            if (e.dataOffsetBytes() < previousEnd || end > size || end < e.dataOffsetBytes()) {
                throw new IntegrityException(source + ": tensor " + TsealFiles.printable(e.info().name()) + " data at " + e.dataOffsetBytes()
                        + " overlaps the header or another tensor, or runs past the end");
            }
            previousEnd = end;
            MemorySegment[] chunks = new MemorySegment[(int) e.chunkCount()];
            for (int c = 0; c < chunks.length; c++) {
                chunks[c] = file.asSlice(e.chunkOffsetBytes(c), e.chunkBytes(c));
            }
            tensors.add(new StoreSnapshot.Tensor(e.tensorId(), e.info(), e.chunkSizeBytes(), e.keyIndex(), e.generations(), chunks));
        }
        return new StoreSnapshot(header.fileId(), ChunkAad.FORMAT_VERSION, header.keys(), tensors);
    }

    /**
     * SHA-256 of the header bytes and their MAC: the file's identity as a caller can pin it. Any other file, an
     * older version of this one, or a rekeyed copy has another digest; computing it needs no key.
     */
    public static byte[] headerDigest(ByteBuffer region, byte[] mac) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(region.duplicate());
            sha.update(mac);
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * The length of the header region that {@code start} (at least the first 16 bytes of a {@code sizeBytes} file)
     * declares, after checking the magic and that the length is in range.
     */
    public static int headerBytes(ByteBuffer start, long sizeBytes, String source) {
        if (sizeBytes < TsealHeader.PREFIX_BYTES + TsealHeader.MAC_BYTES) {
            throw new TensorSealException(source + ": " + sizeBytes + " bytes is too short for a .tseal file");
        }
        ByteBuffer b = start.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(b.position(), magic);
        if (!java.util.Arrays.equals(magic, TsealHeader.MAGIC)) {
            throw new TensorSealException(source + ": not a .tseal file (bad magic)");
        }
        int headerBytes = b.getInt(b.position() + 12);
        if (headerBytes < TsealHeader.PREFIX_BYTES || headerBytes > TsealHeader.MAX_HEADER_BYTES
                || headerBytes > sizeBytes - TsealHeader.MAC_BYTES) {
            throw new IntegrityException(source + ": header length " + Integer.toUnsignedString(headerBytes) + " is outside ["
                    + TsealHeader.PREFIX_BYTES + ", min(" + TsealHeader.MAX_HEADER_BYTES + ", " + (sizeBytes - TsealHeader.MAC_BYTES)
                    + ")]: the file is truncated or its header was changed");
        }
        return headerBytes;
    }

    /**
     * Checks that every byte outside the header, its MAC and the chunks is zero (the alignment gap before each
     * tensor and the tail); the MAC covers none of them, so an edit there is only visible here.
     */
    public static void checkGaps(Opened o, String source) {
        long size = o.file().byteSize();
        TsealHeader h = o.header();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(TsealHeader.PAGE_BYTES);
            o.source().read(0, TsealHeader.PREFIX_BYTES, buffer, 0, null, -1);
            long at = Integer.toUnsignedLong(buffer.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
                    .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 12)) + TsealHeader.MAC_BYTES;
            for (TsealHeader.Entry e : h.tensors()) {
                checkZero(o.source(), buffer, at, e.dataOffsetBytes(), source);
                at = e.endBytes();
            }
            checkZero(o.source(), buffer, at, size, source);
        }
    }

    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[TsealHeader.PAGE_BYTES]);

    /** Reads {@code from..to} through {@code file} (once, into {@code buffer}) and checks every byte is zero. */
    private static void checkZero(ChunkSource file, MemorySegment buffer, long from, long to, String source) {
        for (long at = from; at < to; at += TsealHeader.PAGE_BYTES) {
            long n = Math.min(TsealHeader.PAGE_BYTES, to - at);
            file.read(at, n, buffer, 0, null, -1);
            long m = buffer.asSlice(0, n).mismatch(ZEROS.asSlice(0, n));
            if (m >= 0) {
                throw new IntegrityException(source + ": bytes between chunks were modified: the padding byte at offset "
                        + (at + m) + " is not zero");
            }
        }
    }

    private static FileChannel channel(Path path) throws IOException {
        dev.tensorseal.internal.safetensors.SafetensorsFile.requireRegular(path); // a FIFO would block the open
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    private static ByteBuffer readRegion(FileChannel ch, Path path) throws IOException {
        String source = path.getFileName().toString();
        long size = ch.size();
        ByteBuffer start = ByteBuffer.allocate(16);
        if (size >= 16) {
            readFully(ch, start, 0);
        }
        int headerBytes = headerBytes(start.flip(), size, source);
        ByteBuffer region = ByteBuffer.allocate(headerBytes);
        readFully(ch, region, 0);
        return region.flip();
    }

    static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                throw new IntegrityException("unexpected end of file at byte " + at + ": the file was truncated");
            }
            at += n;
        }
    }
}
