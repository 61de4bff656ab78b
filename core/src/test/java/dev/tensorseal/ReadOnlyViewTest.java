package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/**
 * Every form a read view hands out refuses writes, and the plaintext is unchanged after the attempts. The exception
 * types are the JDK's: a read-only {@link MemorySegment} throws {@link IllegalArgumentException} (Java 22+), a
 * read-only buffer {@link ReadOnlyBufferException} (an {@link UnsupportedOperationException}).
 */
class ReadOnlyViewTest {
    @Test
    void writesThroughTheSegmentAndTheBuffersOfAReadViewFailAndChangeNothing() {
        try (TensorStore store = TensorStore.builder().keySource(StoreFixtures.key(1)).build()) {
            store.put("t", new float[] {1, 2, 3, 4}, 4);
            try (TensorView v = store.read("t")) {
                MemorySegment s = v.segment();
                assertTrue(s.isReadOnly());
                var e = assertThrows(IllegalArgumentException.class, () -> s.set(ValueLayout.JAVA_BYTE, 0, (byte) 9));
                assertTrue(e.getMessage().contains("read-only"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> s.asSlice(4).fill((byte) 9));
                assertThrows(IllegalArgumentException.class, () -> MemorySegment.copy(MemorySegment.ofArray(new byte[4]), 0, s, 0, 4));
                ByteBuffer b = v.asByteBuffer();
                assertTrue(b.isReadOnly());
                UnsupportedOperationException u = assertThrows(ReadOnlyBufferException.class, () -> b.putFloat(0, 9f));
                assertTrue(u instanceof UnsupportedOperationException);
                assertThrows(ReadOnlyBufferException.class, () -> v.byteBuffers().getFirst().put(0, (byte) 9));
                for (int i = 0; i < 4; i++) {
                    assertEquals(i + 1f, v.getFloat(i));
                }
            }
        }
    }
}
