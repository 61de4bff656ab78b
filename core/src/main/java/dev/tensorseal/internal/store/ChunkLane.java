package dev.tensorseal.internal.store;

import dev.tensorseal.internal.crypto.InsecureNonceAesGcm;
import dev.tensorseal.internal.memory.PlaintextMemory;
import java.lang.foreign.MemorySegment;

/**
 * One task's per-chunk state in {@link ChunkCrypto}: AAD and nonce buffers, the engine instance of the key last
 * used, and the private copies (ciphertext read once from the source, mapped plaintext staged in hardened scratch)
 * that engines work on. Used by one thread at a time; buffers go back to the owner when it closes.
 */
final class ChunkLane implements AutoCloseable {
    final ChunkCrypto owner;
    final TensorMeta meta;
    final byte[] aad;
    final byte[] nonce = new byte[ChunkAad.NONCE_BYTES];
    private final int prefixLength;
    private DataKey key;
    private InsecureNonceAesGcm instance;
    private MemorySegment ciphertextCopy;
    /** Adjacent chunks read from a remote source in one request: file bytes {@code runFrom..runTo}. */
    private MemorySegment run;
    private long runFrom;
    private long runTo;
    private PlaintextMemory.Block plaintextCopy;
    private long plaintextCopyUsed;

    ChunkLane(ChunkCrypto owner, TensorMeta meta) {
        this.owner = owner;
        this.meta = meta;
        byte[] prefix = meta.aadPrefix();
        this.prefixLength = prefix.length;
        this.aad = ChunkAad.newBuffer(prefix);
    }

    InsecureNonceAesGcm prepare(DataKey k, int index, long generation) {
        if (k != key) {
            release();
            instance = k.borrow();
            key = k;
        }
        ChunkAad.fill(aad, prefixLength, nonce, index, meta.chunkCount(), k.keyId(), generation);
        return instance;
    }

    /**
     * Chunk {@code chunk} of {@code table} (checked to hold {@code plainBytes} + 16 bytes): the store's own
     * ciphertext, or where it stands for bytes of the store's file or remote object, the lane's private copy
     * of them; {@code runEnd} (exclusive) is the last chunk this lane will read next, in order, so a remote
     * source can fetch the chunks up to it in one request.
     */
    MemorySegment privateCiphertext(ChunkTable table, int chunk, int plainBytes, int runEnd) {
        MemorySegment sealed = ChunkCrypto.sealedChunk(table, chunk, plainBytes);
        ChunkSource file = owner.source;
        boolean fromSource = file != null && file.covers(sealed);
        if (!fromSource && !sealed.isMapped()) {
            return sealed;
        }
        if (fromSource && file.runBytes() > 0) {
            return fromRun(file, table, chunk, runEnd, sealed);
        }
        long n = sealed.byteSize();
        if (ciphertextCopy == null || ciphertextCopy.byteSize() < n) {
            if (ciphertextCopy != null) {
                owner.giveBackCopyBuffer(ciphertextCopy);
            }
            ciphertextCopy = owner.takeCopyBuffer(n);
        }
        if (fromSource) {
            file.copy(sealed, ciphertextCopy, 0, meta.name(), chunk);
        } else {
            copyFromMapping("the mapped ciphertext", sealed, 0, ciphertextCopy, n, chunk);
        }
        return ciphertextCopy.asSlice(0, n);
    }

    /**
     * {@code sealed} out of the lane's current run, first reading the next run where it is not in it: the
     * chunks from {@code chunk} on that are adjacent in the file, up to {@code runEnd} and the source's
     * {@link ChunkSource#runBytes()}. Each byte is still read once, into this lane's private buffer.
     */
    private MemorySegment fromRun(ChunkSource file, ChunkTable table, int chunk, int runEnd, MemorySegment sealed) {
        long at = file.offsetOf(sealed);
        long n = sealed.byteSize();
        if (run == null || at < runFrom || at + n > runTo) {
            long end = at + n;
            for (int j = chunk + 1; j < runEnd; j++) {
                MemorySegment next = table.chunk(j);
                if (!file.covers(next) || file.offsetOf(next) != end || end + next.byteSize() - at > file.runBytes()) {
                    break;
                }
                end += next.byteSize();
            }
            if (run == null || run.byteSize() < end - at) {
                owner.giveBackRunBuffer(run);
                run = owner.takeRunBuffer(Math.max(end - at, file.runBytes()));
            }
            runFrom = at;
            runTo = at; // empty until the read below completes: a failed read leaves no stale run
            run = file.readRun(at, end - at, run, meta.name(), chunk);
            runTo = end;
        }
        return run.asSlice(at - runFrom, n);
    }

    /**
     * Bytes {@code offset..offset+bytes} of {@code plain}, or where {@code plain} is a file mapping, a copy of them
     * in the lane's hardened scratch (zeroed when the lane closes).
     */
    MemorySegment privatePlaintext(MemorySegment plain, long offset, long bytes, int chunk) {
        if (!plain.isMapped()) {
            return plain.asSlice(offset, bytes);
        }
        if (plaintextCopy == null || plaintextCopy.segment().byteSize() < bytes) {
            closePlaintextCopy();
            plaintextCopy = owner.scratchMemory.allocate(Math.max(bytes, 1));
        }
        plaintextCopyUsed = Math.max(plaintextCopyUsed, bytes);
        copyFromMapping("the mapped input", plain, offset, plaintextCopy.segment(), bytes, chunk);
        return plaintextCopy.segment().asSlice(0, bytes);
    }

    /**
     * A copy out of a mapping this store did not open (the caller's input, or ciphertext restored from a mapping
     * without a {@link MappedSource}). Native code never reads such memory; a truncated file faults in this
     * Java copy, which the JDK reports as an asynchronous InternalError: most often here, else a little later
     * in the same call ({@link PlaintextSealer#put} turns that into the same error too).
     */
    private void copyFromMapping(String what, MemorySegment from, long offset, MemorySegment to, long bytes, int chunk) {
        try {
            MemorySegment.copy(from, offset, to, 0, bytes);
        } catch (InternalError e) {
            throw MappedSource.fileChanged(what, meta.name(), chunk);
        }
    }

    private void closePlaintextCopy() {
        if (plaintextCopy != null) {
            plaintextCopy.segment().asSlice(0, plaintextCopyUsed).fill((byte) 0);
            plaintextCopy.close();
            plaintextCopy = null;
            plaintextCopyUsed = 0;
        }
    }

    private void release() {
        if (instance != null) {
            key.giveBack(instance);
            instance = null;
            key = null;
        }
    }

    @Override
    public void close() {
        release();
        closePlaintextCopy();
        owner.giveBackRunBuffer(run);
        run = null;
        if (ciphertextCopy != null) {
            owner.giveBackCopyBuffer(ciphertextCopy);
            ciphertextCopy = null;
        }
    }
}
