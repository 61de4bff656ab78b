package dev.tensorseal.internal.tseal;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.keys.RecipientStanza;
import dev.tensorseal.internal.store.ChunkSource;
import dev.tensorseal.internal.store.StoreSnapshot;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        write(snapshot, key, kdf, metadata, target, null);
    }

    /** As {@link #write(StoreSnapshot, KeySource, KdfParams, Map, Path)}, the new file with {@code permissions} (null: 0600). */
    public static void write(StoreSnapshot snapshot, KeySource key, KdfParams kdf, Map<String, String> metadata, Path target,
            Set<PosixFilePermission> permissions) throws IOException {
        write(snapshot, key, kdf, metadata, target, permissions, null);
    }

    /**
     * As {@link #write(StoreSnapshot, KeySource, KdfParams, Map, Path, Set)}; chunks that stand for bytes of
     * {@code source} (a store opened from a file or a remote object, being rekeyed or saved again) are read through
     * it ({@code pread} or ranged reads, never the slices themselves), so a source that shrank or changed meanwhile
     * is an {@link dev.tensorseal.IntegrityException} naming it.
     */
    public static void write(StoreSnapshot snapshot, KeySource key, KdfParams kdf, Map<String, String> metadata, Path target,
            Set<PosixFilePermission> permissions, ChunkSource source) throws IOException {
        write(snapshot, key, kdf, null, metadata, target, permissions, source);
    }

    /**
     * As {@link #write(StoreSnapshot, KeySource, KdfParams, Map, Path, Set, ChunkSource)}, with {@code recipients}
     * (non-null: the file is sealed to recipients, whose entries wrap {@code key}, the file's master secret).
     */
    static void write(StoreSnapshot snapshot, KeySource key, KdfParams kdf, List<RecipientStanza> recipients,
            Map<String, String> metadata, Path target, Set<PosixFilePermission> permissions, ChunkSource source) throws IOException {
        byte[] fileId = snapshot.storeId();
        byte[] checkSalt = new byte[TsealHeader.KEY_CHECK_SALT_BYTES];
        new SecureRandom().nextBytes(checkSalt); // fresh per file: key checks of files under one key do not match
        try (FileKeys keys = new FileKeys(key, fileId, checkSalt)) {
            List<TsealHeader.Entry> entries = new ArrayList<>();
            for (StoreSnapshot.Tensor t : snapshot.tensors()) {
                entries.add(new TsealHeader.Entry(t.tensorId(), t.info(), t.chunkSizeBytes(), 0, t.keyIndex(), t.generations()));
            }
            TsealHeader draft = new TsealHeader(fileId, 0, kdf, keys.keyCheck(), checkSalt, metadata, snapshot.keys(), entries,
                    recipients);
            int headerBytes = (int) (TsealHeader.align(draft.unpaddedBytes() + TsealHeader.MAC_BYTES, TsealHeader.PAGE_BYTES)
                    - TsealHeader.MAC_BYTES);
            long at = headerBytes + TsealHeader.MAC_BYTES;
            List<TsealHeader.Entry> placed = new ArrayList<>();
            for (TsealHeader.Entry e : entries) {
                if (e.endBytes() >= TsealHeader.PAGE_BYTES) {
                    // A page or more starts on a page (mmap, DMA); smaller tensors are packed, so that many small
                    // tensors cost their bytes and tags, not a page each.
                    at = TsealHeader.align(at, TsealHeader.PAGE_BYTES);
                }
                TsealHeader.Entry p = new TsealHeader.Entry(e.tensorId(), e.info(), e.chunkSizeBytes(), at, e.keyIndex(),
                        e.generations());
                placed.add(p);
                at = p.endBytes();
            }
            long total = TsealHeader.align(at, TsealHeader.PAGE_BYTES);
            TsealHeader header = new TsealHeader(fileId, total, kdf, keys.keyCheck(), checkSalt, metadata, snapshot.keys(), placed,
                    recipients);
            byte[] region = header.encode(headerBytes);
            byte[] mac = keys.mac(region);
            atomicWrite(target, true, permissions, ch -> {
                writeAt(ch, ByteBuffer.wrap(region), 0);
                writeAt(ch, ByteBuffer.wrap(mac), headerBytes);
                try (Arena bounce = Arena.ofConfined()) {
                    MemorySegment buffer = null;
                    for (int t = 0; t < placed.size(); t++) {
                        TsealHeader.Entry e = placed.get(t);
                        MemorySegment[] chunks = snapshot.tensors().get(t).chunks();
                        for (int c = 0; c < chunks.length; c++) {
                            MemorySegment chunk = chunks[c];
                            if (source != null && source.covers(chunk)) {
                                if (buffer == null || buffer.byteSize() < chunk.byteSize()) {
                                    buffer = bounce.allocate(chunk.byteSize());
                                }
                                source.copy(chunk, buffer, 0, e.info().name(), c);
                                chunk = buffer.asSlice(0, chunk.byteSize());
                            }
                            writeAt(ch, chunk.asByteBuffer(), e.chunkOffsetBytes(c));
                        }
                    }
                }
                if (ch.size() < total) {
                    writeAt(ch, ByteBuffer.allocate(1), total - 1); // zero tail padding up to the declared length
                }
            });
        }
    }

    /** What fills the temporary file. */
    public interface Body {
        void write(FileChannel channel) throws IOException;
    }

    /** Writes {@code target} through a temporary sibling, fsync, atomic rename and directory fsync. */
    public static void atomicWrite(Path target, Body body) throws IOException {
        atomicWrite(target, true, null, body);
    }

    /**
     * Writes {@code target} through a temporary sibling (deleted on any failure or catchable signal, see
     * {@link TempFiles}), fsync, atomic rename and directory fsync.
     *
     * @param replace     whether an existing {@code target} may be replaced; without it the file is linked into
     *                    place, which fails atomically with {@link FileAlreadyExistsException} if the name exists
     * @param permissions the new file's mode, or null for owner-only (0600)
     */
    public static void atomicWrite(Path target, boolean replace, Set<PosixFilePermission> permissions, Body body)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = TempFiles.create(dir, target.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            if (permissions != null) {
                Files.setPosixFilePermissions(tmp, permissions);
            }
            if (replace) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename atomically in " + dir + ": " + e.getMessage(), e);
                }
            } else {
                place(tmp, target);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // Some file systems cannot open or sync a directory; the rename itself is still atomic.
            }
        } finally {
            Files.deleteIfExists(tmp); // gone after a rename; the second name after a link
            TempFiles.release(tmp);
        }
    }

    /** Moves {@code tmp} to a {@code target} that must not exist. */
    private static void place(Path tmp, Path target) throws IOException {
        try {
            // link(2) never replaces: a file that appeared since the caller checked is kept, not overwritten.
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            // A file system without hard links: check, then rename (a file created in between would be replaced).
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    static void writeAt(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }
}
