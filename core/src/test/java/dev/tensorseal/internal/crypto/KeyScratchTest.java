package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pooled scratch comes back zeroed, whatever the previous user left in it, at every size up to a block and beyond. */
class KeyScratchTest {
    @Test
    void everyTakenScratchIsZeroAfterAnEarlierUserFilledItsBlock() {
        for (int round = 0; round < 3; round++) {
            List<KeyScratch> taken = new ArrayList<>();
            for (int size : new int[] {1, 32, 352, KeyScratch.BLOCK_BYTES, KeyScratch.BLOCK_BYTES + 1, 4096}) {
                KeyScratch s = KeyScratch.take(size);
                assertEquals(size, s.segment().byteSize());
                assertTrue(allZero(s.segment()), "scratch of " + size + " bytes not zero in round " + round);
                s.segment().fill((byte) 0x5a);
                taken.add(s);
            }
            taken.forEach(KeyScratch::close);
        }
    }

    private static boolean allZero(MemorySegment s) {
        for (long i = 0; i < s.byteSize(); i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }
}
