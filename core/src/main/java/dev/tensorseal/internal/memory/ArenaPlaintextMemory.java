package dev.tensorseal.internal.memory;

import dev.tensorseal.internal.store.AnonymousMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Plain off-heap scratch, one shared arena per block, so closing a block invalidates its segment at once.
 * Large blocks are anonymous mappings with huge pages ({@link AnonymousMemory}).
 */
public final class ArenaPlaintextMemory implements PlaintextMemory {
    public static final ArenaPlaintextMemory INSTANCE = new ArenaPlaintextMemory();

    @Override
    public Block allocate(long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment segment = AnonymousMemory.allocate(arena, bytes);
        return new Block() {
            @Override
            public MemorySegment segment() {
                return segment;
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }
}
