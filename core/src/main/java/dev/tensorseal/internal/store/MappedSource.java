package dev.tensorseal.internal.store;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.nativebridge.PositionalFile;
import java.lang.foreign.MemorySegment;

/**
 * The file behind a store's mapped chunks, and the one way its bytes are read. Two dangers meet at a mapping:
 * another process can change the file between two reads (an engine that hashes, then decrypts, from the
 * mapping would release plaintext that was never authenticated), and a file truncated under the mapping
 * makes the next access fault (SIGBUS: fatal in native code, an asynchronous {@link InternalError} at an
 * unpredictable later point in Java code). So every chunk is read exactly once, with {@code pread(2)} at its
 * offset, into private memory that the engines then work on; a short read means the file shrank, an
 * {@link IntegrityException} naming it. Where the FFM binding cannot run (no native access: only the JDK and
 * Bouncy Castle engines run then, neither of which can crash), chunks are copied from the mapping instead and a
 * fault the JDK reports in time becomes the same exception.
 */
public final class MappedSource implements ChunkSource {
    private final String name;
    private final MemorySegment map;
    private final PositionalFile file;

    /**
     * @param name what to call the file in messages (its file name)
     * @param map  the file's mapping from offset 0; the chunks this source reads are slices of it
     * @param file the same file open for {@code pread} (owned from now on: closed with this source), or null
     *             where the binding cannot run
     */
    public MappedSource(String name, MemorySegment map, PositionalFile file) {
        this.name = name;
        this.map = map;
        this.file = file;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MemorySegment range() {
        return map;
    }

    /**
     * Copies {@code bytes} of the file from offset {@code fileOffset} into {@code target} (native memory) at
     * {@code targetOffset}.
     *
     * @throws IntegrityException naming the file, {@code tensor} (may be null) and {@code chunk} when the file
     *         is shorter than the bytes asked for: it shrank or was replaced in place after it was opened
     */
    @Override
    public void read(long fileOffset, long bytes, MemorySegment target, long targetOffset, String tensor, long chunk) {
        MemorySegment dst = target.asSlice(targetOffset, bytes);
        if (file != null) {
            if (file.read(fileOffset, dst) != bytes) {
                throw fileChanged(name, tensor, chunk);
            }
            return;
        }
        try {
            MemorySegment.copy(map, fileOffset, dst, 0, bytes);
        } catch (InternalError e) { // the JDK's report of a fault (SIGBUS) in a copy from a mapping
            throw fileChanged(name, tensor, chunk);
        }
    }

    /**
     * True when {@code t} (or its cause) is the JDK's report of a fault in an access to mapped memory: the
     * mapped file was truncated under the access.
     */
    public static boolean isMappingFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InternalError && String.valueOf(c.getMessage()).startsWith("a fault occurred")) {
                return true;
            }
        }
        return false;
    }

    /** The error for a file that was truncated or changed in place while open. */
    public static IntegrityException fileChanged(String origin, String tensor, long chunk) {
        String why = (origin == null ? "the mapped file" : origin)
                + " changed or shrank while it was open (a read came up short): reopen it";
        return tensor == null ? new IntegrityException(why) : new IntegrityException(tensor, chunk, why);
    }

    /** Closes the read descriptor (the mapping belongs to its arena). Idempotent. */
    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }
}
