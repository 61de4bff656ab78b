package dev.tensorseal.internal.tseal;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.store.StoreSnapshot;
import dev.tensorseal.internal.store.ChunkSource;
import dev.tensorseal.internal.store.TensorMeta;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a store snapshot as a .tseal file. Only ciphertext is written: chunks are copied from the snapshot's
 * segments one at a time, so nothing is decrypted and nothing large enters the heap. The file is written to a
 * temporary file in the target's directory, forced to disk, atomically renamed over the target, and the
 * directory is forced: a crash leaves the old file or none.
 */
public final class TsealWriter {
    private TsealWriter() {}

    /**
     * @param key the master key the snapshot's data keys are wrapped under (its KEK salt is the snapshot's store id)
     * @param kdf Argon2id parameters when {@code key} came from a passphrase, else null
     */
    public static void write(StoreSnapshot snapshot, KeySource key, KdfParams kdf, Map<String, String> metadata, Path target)
            throws IOException {
        write(snapshot, null, key, kdf, metadata, target);
    }

    /**
     * As {@link #write(StoreSnapshot, KeySource, KdfParams, Map, Path)} for a snapshot whose chunks may stand for
     * bytes of {@code source} (a store opened from a file or a remote object, may be null): those are read
     * through it, never from the slices themselves.
     */
    public static void write(StoreSnapshot snapshot, ChunkSource source, KeySource key, KdfParams kdf, Map<String, String> metadata,
            Path target) throws IOException {
        byte[] fileId = snapshot.storeId();
        byte[] checkSalt = new byte[TsealHeader.KEY_CHECK_SALT_BYTES];
        new SecureRandom().nextBytes(checkSalt); // fresh per file: key checks of files under one key do not match
        try (FileKeys keys = new FileKeys(key, fileId, checkSalt)) {
            List<TsealHeader.Entry> entries = new ArrayList<>();
            for (StoreSnapshot.Tensor t : snapshot.tensors()) {
                entries.add(new TsealHeader.Entry(t.tensorId(), t.info(), t.chunkSizeBytes(), 0, t.keyIndex(), t.generations()));
            }
            TsealHeader draft = new TsealHeader(fileId, 0, kdf, keys.keyCheck(), checkSalt, metadata, snapshot.keys(), entries);
            int headerBytes = (int) (TsealHeader.align(draft.unpaddedBytes() + TsealHeader.MAC_BYTES, TsealHeader.PAGE_BYTES)
                    - TsealHeader.MAC_BYTES);
            long at = headerBytes + TsealHeader.MAC_BYTES;
            List<TsealHeader.Entry> placed = new ArrayList<>();
            for (TsealHeader.Entry e : entries) {
                TsealHeader.Entry p = new TsealHeader.Entry(e.tensorId(), e.info(), e.chunkSizeBytes(), at, e.keyIndex(),
                        e.generations());
                placed.add(p);
                at = TsealHeader.align(p.endBytes(), TsealHeader.PAGE_BYTES);
            }
            long total = at;
            TsealHeader header = new TsealHeader(fileId, total, kdf, keys.keyCheck(), checkSalt, metadata, snapshot.keys(), placed);
            byte[] region = header.encode(headerBytes);
            byte[] mac = keys.mac(region);
            MemorySegment buffer = source == null ? null : Arena.ofAuto().allocate(TensorMeta.DEFAULT_CHUNK_BYTES + 16L);
            atomicWrite(target, ch -> {
                writeAt(ch, ByteBuffer.wrap(region), 0);
                writeAt(ch, ByteBuffer.wrap(mac), headerBytes);
                for (int t = 0; t < placed.size(); t++) {
                    TsealHeader.Entry e = placed.get(t);
                    MemorySegment[] chunks = snapshot.tensors().get(t).chunks();
                    for (int c = 0; c < chunks.length; c++) {
                        writeAt(ch, readable(chunks[c], source, e.info().name(), c, buffer), e.chunkOffsetBytes(c));
                    }
                }
                if (ch.size() < total) {
                    writeAt(ch, ByteBuffer.allocate(1), total - 1); // zero tail padding up to the declared length
                }
            });
        }
    }

    /** {@code chunk}'s bytes: itself, or where it stands for bytes of {@code source}, read through it into {@code buffer}. */
    private static ByteBuffer readable(MemorySegment chunk, ChunkSource source, String tensor, int index, MemorySegment buffer) {
        if (source == null || !source.covers(chunk)) {
            return chunk.asByteBuffer();
        }
        MemorySegment to = buffer.byteSize() >= chunk.byteSize() ? buffer : Arena.ofAuto().allocate(chunk.byteSize());
        source.copy(chunk, to, 0, tensor, index);
        return to.asSlice(0, chunk.byteSize()).asByteBuffer();
    }

    /** What fills the temporary file. */
    public interface Body {
        void write(FileChannel channel) throws IOException;
    }

    /** Writes {@code target} through a temporary sibling, fsync, atomic rename and directory fsync. */
    public static void atomicWrite(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename atomically in " + dir + ": " + e.getMessage(), e);
            }
            done = true;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // Some file systems cannot open or sync a directory; the rename itself is still atomic.
            }
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    static void writeAt(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }
}
