package dev.tensorseal.internal.remote;

import dev.tensorseal.TensorSealException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Read-ahead for a whole-model load: the planned file ranges (every tensor to be read, in the order it will be
 * read) cut into blocks of one request each (the runs of whole chunks a tensor's lanes read, so each of their reads
 * takes one whole block), fetched in plan order by a few threads, with at most
 * {@code windowBytes} fetched and not yet read. Requests thus stay in flight across tensor boundaries instead of
 * draining at the end of each tensor. A reader takes what it asks for from the blocks: it waits for a block in
 * flight, copies a fetched one, and fetches itself what no block holds yet (that block is then dropped from the
 * plan), so a reader never waits on the window and reading out of plan order only costs the read-ahead.
 *
 * <p>Blocks are this process's own memory, each filled by one response and only read once complete; the reader
 * copies into its lane's private buffer, where the chunk is authenticated, as for any read, or where its read is
 * exactly one block, takes the block's buffer as its private buffer and gives its own for the next block.
 */
final class Prefetch implements AutoCloseable {
    /** Fetches {@code dst.byteSize()} bytes from {@code offset} (retried, counted) or throws naming {@code what}. */
    @FunctionalInterface
    interface Fetcher {
        void fetch(long offset, MemorySegment dst, String what);
    }

    private enum State { PENDING, ISSUED, DONE, FAILED, DROPPED }

    private static final class Block {
        final long from;
        final long to;
        State state = State.PENDING;
        MemorySegment buffer;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        RuntimeException failure;
        long consumed;
        int copying;

        Block(long from, long to) {
            this.from = from;
            this.to = to;
        }

        long bytes() {
            return to - from;
        }
    }

    private final String name;
    private final long blockBytes;
    private final long windowBytes;
    private final Fetcher fetcher;
    private final List<Block> plan = new ArrayList<>();
    private final TreeMap<Long, Block> byOffset = new TreeMap<>();
    private final ArrayDeque<MemorySegment> freeBuffers = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private int next;
    private long heldBytes;
    private boolean closed;

    /**
     * @param ranges     file ranges [from, to, block bytes) in the order they will be read, each cut into blocks of its
     *                   size (at most {@code blockBytes}); overlaps with earlier ones are left out
     * @param blockBytes the largest block: the size of each block buffer
     */
    Prefetch(String name, List<long[]> ranges, long blockBytes, long windowBytes, int threads, Fetcher fetcher) {
        this.name = name;
        this.blockBytes = blockBytes;
        this.windowBytes = Math.max(windowBytes, blockBytes);
        this.fetcher = fetcher;
        for (long[] r : ranges) {
            long step = Math.min(blockBytes, Math.max(1, r[2]));
            for (long at = r[0]; at < r[1]; at += step) {
                add(new Block(at, Math.min(r[1], at + step)));
            }
        }
        for (int i = 0; i < threads; i++) {
            this.threads.add(Thread.ofVirtual().name("tensorseal read-ahead " + i).start(this::run));
        }
    }

    private void add(Block b) {
        Map.Entry<Long, Block> before = byOffset.floorEntry(b.to - 1);
        if (before != null && before.getValue().to > b.from) {
            return; // already planned: a tensor named twice is read ahead once
        }
        plan.add(b);
        byOffset.put(b.from, b);
    }

    /** Bytes fetched ahead and not yet read, at most the window. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    private void run() {
        while (true) {
            Block b;
            synchronized (this) {
                while (true) {
                    b = nextPending();
                    if (closed || b == null) {
                        notify(); // passed on: the next waiting fetcher finds the same and ends too
                        return;
                    }
                    if (heldBytes == 0 || heldBytes + b.bytes() <= windowBytes) {
                        break;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return; // closed
                    }
                }
                b.state = State.ISSUED;
                b.buffer = takeBuffer();
                heldBytes += b.bytes();
                next++;
                Block after = nextPending();
                if (after != null && heldBytes + after.bytes() <= windowBytes) {
                    notify(); // room for one more: wake the next fetcher (one at a time, see release)
                }
            }
            try {
                fetcher.fetch(b.from, b.buffer.asSlice(0, b.bytes()), name + ": bytes " + b.from + ".." + b.to + " (read ahead)");
                finish(b, State.DONE, null);
            } catch (RuntimeException | Error e) {
                finish(b, State.FAILED, e instanceof RuntimeException r ? r : new TensorSealException(e.toString(), e));
            }
        }
    }

    private Block nextPending() {
        while (next < plan.size() && plan.get(next).state != State.PENDING) {
            next++;
        }
        return next < plan.size() ? plan.get(next) : null;
    }

    private synchronized void finish(Block b, State state, RuntimeException failure) {
        b.state = state;
        b.failure = failure;
        if (state == State.FAILED) {
            release(b);
        }
        b.done.complete(null); // fetchers wait only for room in the window: release tells them, not this
    }

    /**
     * Copies what the blocks hold of file bytes {@code offset..offset+dst.byteSize()} into {@code dst}, waiting for
     * blocks in flight, and returns the sub-ranges [from, to) no block holds: the caller fetches those itself.
     *
     * @throws TensorSealException the failure of a block this read needed (after its retries), or an interrupt
     */
    List<long[]> take(long offset, MemorySegment dst) {
        long end = offset + dst.byteSize();
        while (true) {
            CompletableFuture<Void> inFlight = null;
            List<Block> ready = new ArrayList<>();
            List<long[]> rest = new ArrayList<>();
            boolean dropped = false;
            synchronized (this) {
                if (closed) {
                    return List.of(new long[] {offset, end}); // a scope that ended: the reader fetches it all
                }
                long uncovered = offset;
                for (Block b : overlapping(offset, end)) {
                    if (b.state == State.ISSUED) {
                        inFlight = b.done;
                        break;
                    }
                    if (b.state == State.FAILED) {
                        throw b.failure;
                    }
                    long a = Math.max(offset, b.from);
                    if (a > uncovered) {
                        addRange(rest, uncovered, a);
                    }
                    uncovered = Math.min(end, b.to);
                    if (b.state == State.DONE) {
                        b.copying++;
                        ready.add(b);
                    } else {
                        b.state = State.DROPPED; // the reader fetches it: fetching it ahead too would be a waste
                        dropped = true;
                        addRange(rest, a, uncovered);
                    }
                }
                if (inFlight == null) {
                    if (uncovered < end) {
                        addRange(rest, uncovered, end);
                    }
                    if (dropped) {
                        notify(); // the next pending block may be a smaller one that fits the window
                    }
                }
            }
            if (inFlight != null) {
                await(inFlight);
                continue;
            }
            copy(ready, offset, end, dst);
            return rest;
        }
    }

    /**
     * The buffer of the block that is exactly file bytes {@code from..to}, once fetched, in exchange for {@code spare}
     * (at least a block's size, which the next block is fetched into); null where no such block is fetched or in
     * flight, or it failed: the caller then reads them as any read ({@link #take}). The returned buffer was filled by
     * the block's one completed response and is the caller's alone from then on.
     */
    MemorySegment exchange(long from, long to, MemorySegment spare) {
        while (true) {
            CompletableFuture<Void> inFlight;
            synchronized (this) {
                Block b = byOffset.get(from);
                if (closed || b == null || b.to != to || spare.byteSize() < blockBytes) {
                    return null;
                }
                if (b.state == State.DONE && b.copying == 0 && b.consumed == 0) {
                    MemorySegment mine = b.buffer;
                    b.buffer = spare;
                    b.state = State.DROPPED;
                    release(b); // spare goes to the next block
                    return mine;
                }
                if (b.state != State.ISSUED) {
                    return null;
                }
                inFlight = b.done;
            }
            await(inFlight);
        }
    }

    private List<Block> overlapping(long from, long to) {
        Map.Entry<Long, Block> first = byOffset.floorEntry(from);
        long start = first != null && first.getValue().to > from ? first.getKey() : from;
        return List.copyOf(byOffset.subMap(start, true, to, false).values());
    }

    private static void addRange(List<long[]> rest, long from, long to) {
        if (from >= to) {
            return;
        }
        if (!rest.isEmpty() && rest.get(rest.size() - 1)[1] == from) {
            rest.get(rest.size() - 1)[1] = to;
        } else {
            rest.add(new long[] {from, to});
        }
    }

    private void copy(List<Block> ready, long offset, long end, MemorySegment dst) {
        for (Block b : ready) {
            long a = Math.max(offset, b.from);
            long z = Math.min(end, b.to);
            try {
                MemorySegment.copy(b.buffer, a - b.from, dst, a - offset, z - a);
            } finally {
                synchronized (this) {
                    b.copying--;
                    b.consumed += z - a;
                    if (b.consumed >= b.bytes() && b.copying == 0 && b.state == State.DONE) {
                        b.state = State.DROPPED; // read whole: its memory goes to the next block
                        release(b);
                    }
                }
            }
        }
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(); // a managed wait: the store's pool adds a thread while a lane waits here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TensorSealException("interrupted while waiting for a read-ahead request; the read was cancelled");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    private MemorySegment takeBuffer() {
        MemorySegment b = freeBuffers.poll();
        // Ciphertext is not secret: GC-managed memory, reused block to block.
        return b == null ? Arena.ofAuto().allocate(blockBytes, 64) : b;
    }

    /**
     * Gives {@code b}'s share of the window back and wakes one fetcher: all wait for the same next block, so
     * waking them all per block (as notifyAll did) cost a load one futile wake-up per fetcher per block.
     */
    private void release(Block b) {
        heldBytes -= b.bytes();
        if (b.copying == 0 && b.buffer != null) {
            freeBuffers.push(b.buffer);
        }
        b.buffer = null;
        notify();
    }

    /** Stops fetching ahead: requests in flight are cancelled (their threads interrupted). Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
