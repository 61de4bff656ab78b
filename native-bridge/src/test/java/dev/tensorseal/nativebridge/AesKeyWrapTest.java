package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.testing.Prerequisites;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The AES-NI key wrap ({@code libtensorseal_keywrap.so}) through its binding: RFC 5649's examples, the scratch wipe, argument checks. */
class AesKeyWrapTest {
    private static final HexFormat HEX = HexFormat.of();
    /** RFC 5649 section 6: the 192-bit KEK of both examples. */
    private static final byte[] KEK = HEX.parseHex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");

    @BeforeEach
    void requireLibrary() {
        String why = AesKeyWrap.unavailableReason().orElse(null);
        if (why == null) {
            return;
        }
        if (AesKeyWrap.unsupportedMachine()) {
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        Prerequisites.require(false, "key-wrap library unavailable: " + why);
    }

    private static MemorySegment scratch(Arena arena, long inputBytes) {
        return arena.allocate(AesKeyWrap.scratchBytes(inputBytes), AesKeyWrap.SCRATCH_ALIGNMENT);
    }

    private static MemorySegment kek(Arena arena, byte[] kek) {
        return arena.allocate(kek.length).copyFrom(MemorySegment.ofArray(kek));
    }

    @Test
    void rfc5649ExamplesWrapAndUnwrapAndTheScratchIsZeroedAfter() {
        String[][] cases = {
            {"c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
            {"466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"},
        };
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = kek(arena, KEK);
            for (String[] c : cases) {
                byte[] key = HEX.parseHex(c[0]);
                byte[] wrapped = new byte[HEX.parseHex(c[1]).length];
                MemorySegment s = scratch(arena, key.length);
                AesKeyWrap.wrap(s, k, true, MemorySegment.ofArray(key), MemorySegment.ofArray(wrapped));
                assertEquals(c[1], HEX.formatHex(wrapped));
                assertTrue(allZero(s), "wrap left bytes in its scratch");

                byte[] out = new byte[wrapped.length - 8];
                MemorySegment u = scratch(arena, wrapped.length);
                long n = AesKeyWrap.unwrap(u, k, true, MemorySegment.ofArray(wrapped), MemorySegment.ofArray(out));
                assertEquals(key.length, n);
                assertArrayEquals(key, Arrays.copyOf(out, key.length));
                assertTrue(allZero(u), "unwrap left bytes in its scratch");
            }
        }
    }

    @Test
    void aFailedUnwrapWritesNothingAndZeroesTheScratch() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] wrapped = HEX.parseHex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
            wrapped[9] ^= 0x10;
            byte[] out = new byte[wrapped.length - 8];
            Arrays.fill(out, (byte) 0x55);
            MemorySegment s = scratch(arena, wrapped.length);
            long n = AesKeyWrap.unwrap(s, kek(arena, KEK), true, MemorySegment.ofArray(wrapped), MemorySegment.ofArray(out));
            assertEquals(AesKeyWrap.INTEGRITY_FAILURE, n);
            byte[] untouched = new byte[out.length];
            Arrays.fill(untouched, (byte) 0x55);
            assertArrayEquals(untouched, out);
            assertTrue(allZero(s));
        }
    }

    @Test
    void keysOnTheHeapMisalignedScratchAndBadLengthsAreRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = MemorySegment.ofArray(new byte[32]);
            MemorySegment out = MemorySegment.ofArray(new byte[40]);
            MemorySegment s = scratch(arena, 32);
            assertThrows(IllegalArgumentException.class, () -> AesKeyWrap.wrap(s, MemorySegment.ofArray(KEK), true, in, out));
            MemorySegment misaligned = arena.allocate(s.byteSize() + 16, 16).asSlice(1, s.byteSize());
            assertThrows(IllegalArgumentException.class, () -> AesKeyWrap.wrap(misaligned, kek(arena, KEK), true, in, out));
            assertThrows(NativeException.class, () -> AesKeyWrap.wrap(s, kek(arena, new byte[20]), true, in, out));
            assertThrows(NativeException.class, () -> AesKeyWrap.wrap(s, kek(arena, KEK), true, in, MemorySegment.ofArray(new byte[48])));
            assertThrows(NativeException.class, () -> AesKeyWrap.wrap(s, kek(arena, KEK), false, in.asSlice(0, 12), out));
            assertThrows(NativeException.class, () -> AesKeyWrap.wrap(arena.allocate(64, 16), kek(arena, KEK), true, in, out));
            assertThrows(IllegalArgumentException.class, () -> AesKeyWrap.scratchBytes(AesKeyWrap.MAX_INPUT_BYTES + 1));
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
