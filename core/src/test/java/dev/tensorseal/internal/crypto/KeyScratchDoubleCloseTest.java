package dev.tensorseal.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Closing HMAC or SHA-256 state twice (close is idempotent) must not return its key-memory block to the pool twice. */
class KeyScratchDoubleCloseTest {
    @Test
    void closingAnHmacTwiceDoesNotHandItsScratchToTwoLaterUsers() {
        HmacSha256 mac = new HmacSha256(MemorySegment.ofArray(new byte[32]));
        mac.close();
        mac.close(); // documented "Idempotent"
        List<KeyScratch> taken = new ArrayList<>();
        Set<Long> addresses = new HashSet<>();
        try {
            for (int i = 0; i < 64; i++) { // more than the pool can hold: every pooled entry is taken
                KeyScratch s = KeyScratch.take(32);
                taken.add(s);
                assertTrue(addresses.add(s.segment().address()),
                        "scratch " + i + " is the same key memory as an earlier live one");
            }
        } finally {
            taken.forEach(KeyScratch::close);
        }
    }
}
