package dev.tensorseal.internal.safetensors;

import dev.tensorseal.nativebridge.SecureMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An open safetensors file. Only the header is read into the heap; tensor bytes are read on demand from the
 * channel ({@link #read}) or mapped ({@link #map}), so a large model never sits in the heap whole.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final long dataStartBytes;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header, long dataStartBytes) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.dataStartBytes = dataStartBytes;
    }

    /** Opens and validates {@code path}; throws {@link SafetensorsException} when it breaks the format. */
    public static SafetensorsFile open(Path path) throws IOException {
        requireRegular(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            String source = path.getFileName().toString();
            if (size < 8) {
                throw new SafetensorsException(source + ": " + size + " bytes is too short for a safetensors file");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0);
            long headerBytes = prefix.flip().getLong();
            if (headerBytes < 2 || headerBytes > SafetensorsHeader.MAX_HEADER_BYTES || headerBytes > size - 8) {
                throw new SafetensorsException(source + ": header length " + Long.toUnsignedString(headerBytes)
                        + " is outside [2, min(" + SafetensorsHeader.MAX_HEADER_BYTES + ", " + (size - 8) + ")]");
            }
            ByteBuffer json = ByteBuffer.allocate((int) headerBytes);
            readFully(channel, json, 8);
            SafetensorsHeader header = SafetensorsHeader.parse(json.array(), size - 8 - headerBytes, source);
            return new SafetensorsFile(path, channel, header, 8 + headerBytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Refuses anything but a regular file (after links): opening a FIFO for reading blocks until a writer comes,
     * and a device or socket is not a model.
     */
    public static void requireRegular(Path path) throws IOException {
        if (!java.nio.file.Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new SafetensorsException(path + " is not a regular file (a FIFO, socket, device or directory): refused,"
                    + " reading it could block or never end");
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** Reads bytes of {@code entry} from {@code offsetBytes} into {@code dst} until it is full. */
    public void read(SafetensorsEntry entry, long offsetBytes, ByteBuffer dst) throws IOException {
        if (offsetBytes < 0 || offsetBytes + dst.remaining() > entry.lengthBytes()) {
            throw new IndexOutOfBoundsException("read of " + dst.remaining() + " bytes at " + offsetBytes
                    + " outside tensor '" + entry.name() + "' of " + entry.lengthBytes() + " bytes");
        }
        readFully(channel, dst, dataStartBytes + entry.beginBytes() + offsetBytes);
    }

    /**
     * Maps {@code entry}'s bytes read-only into {@code arena}, left out of core dumps ({@code MADV_DONTDUMP}): the
     * JVM's coredump filter includes file-backed mappings, so a core taken while a model is sealed would
     * otherwise hold every plaintext tensor it had paged in.
     */
    public MemorySegment map(SafetensorsEntry entry, Arena arena) throws IOException {
        MemorySegment m = channel.map(FileChannel.MapMode.READ_ONLY, dataStartBytes + entry.beginBytes(), entry.lengthBytes(), arena);
        SecureMemory.system().excludeFromDumps(m);
        return m;
    }

    static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
