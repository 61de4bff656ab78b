package dev.tensorseal.internal.signing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of every byte of a file, read once, front to back. */
final class FileSha256 {
    private static final int BUFFER_BYTES = 1 << 20;
    /** A .tseal file's header length is the u32 at offset 12; the header's 32-byte MAC follows the header. */
    private static final int HEADER_LENGTH_END = 16;
    private static final int MAC_BYTES = 32;

    private FileSha256() {}

    static byte[] of(Path file) throws IOException {
        return read(file).fileSha256();
    }

    /**
     * The SHA-256 of every byte, and of the bytes a .tseal header and its MAC occupy ({@code headerBytes}, the u32 at
     * offset 12, plus 32): the header digest of what was hashed, null when the file is too short to hold them.
     */
    record Digests(byte[] fileSha256, byte[] headerDigest) {}

    /**
     * Reads {@code file} once, front to back, into both digests: taken from the same bytes, so a file changed in
     * place while it is read cannot give a header digest of other bytes than the ones the file digest covers.
     */
    static Digests read(Path file) throws IOException {
        MessageDigest md = sha256();
        MessageDigest header = sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
        byte[] start = new byte[HEADER_LENGTH_END];
        long at = 0;
        long headerEnd = -1; // bytes [0, headerEnd) are the header and its MAC, once bytes 12..15 were read
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                int n = buf.remaining();
                for (int i = 0; at + i < HEADER_LENGTH_END && i < n; i++) {
                    start[(int) at + i] = buf.get(buf.position() + i);
                }
                if (headerEnd < 0 && at + n >= HEADER_LENGTH_END) {
                    headerEnd = Integer.toUnsignedLong(ByteBuffer.wrap(start, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                            + MAC_BYTES;
                }
                long upTo = headerEnd < 0 ? at + n : Math.min(at + n, headerEnd);
                if (upTo > at) {
                    header.update(buf.duplicate().limit(buf.position() + (int) (upTo - at)));
                }
                md.update(buf);
                at += n;
                buf.clear();
            }
        }
        byte[] headerDigest = headerEnd >= 0 && at >= headerEnd ? header.digest() : null;
        return new Digests(md.digest(), headerDigest);
    }

    static byte[] of(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
