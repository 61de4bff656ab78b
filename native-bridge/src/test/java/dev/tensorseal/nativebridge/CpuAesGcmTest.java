package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.testing.Prerequisites;
import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The vaes engine's native code ({@code libtensorseal_aesgcm.so}) through its binding: NIST CAVP vectors,
 * GCM's 32-bit counter wrapping across a vector step, argument checks, and the key context's wipe.
 */
class CpuAesGcmTest {
    /**
     * Under CI the library must be packaged and load (CI installs gcc); a CPU without VAES/VPCLMULQDQ on AVX-512
     * is not something CI can install, so that reason is printed and the test aborted, anywhere.
     */
    private static void requireEngine() {
        String why = CpuAesGcm.unavailableReason().orElse(null);
        if (why == null) {
            return;
        }
        if (CpuAesGcm.unsupportedMachine()) {
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        Prerequisites.require(false, "vaes library unavailable: " + why);
    }

    private static MemorySegment context(Arena arena, byte[] key) {
        MemorySegment ctx = arena.allocate(CpuAesGcm.contextBytes(), CpuAesGcm.CONTEXT_ALIGNMENT);
        CpuAesGcm.init(ctx, MemorySegment.ofArray(key));
        return ctx;
    }

    private static MemorySegment copy(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(Math.max(1, bytes.length), 64).asSlice(0, bytes.length);
        s.copyFrom(MemorySegment.ofArray(bytes));
        return s;
    }

    @Test
    void nistGcmVectorsSealAndOpenAndTheFailCasesAreRejectedWithTheOutputZeroed() throws Exception {
        requireEngine();
        int checked = 0;
        int rejected = 0;
        for (String file : List.of("gcmEncryptExtIV256.rsp", "gcmDecrypt256.rsp")) {
            for (NistGcmVectors.Case c : NistGcmVectors.load(file)) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment ctx = context(arena, c.key());
                    MemorySegment iv = MemorySegment.ofArray(c.iv());
                    MemorySegment aad = MemorySegment.ofArray(c.aad());
                    MemorySegment ct = copy(arena, c.ct());
                    MemorySegment out = arena.allocate(Math.max(1, c.ct().length), 64).asSlice(0, c.ct().length);
                    out.fill((byte) 0x5a);
                    boolean ok = CpuAesGcm.open(ctx, iv, aad, ct, MemorySegment.ofArray(c.tag()), out, 0);
                    if (c.fail()) {
                        assertFalse(ok, c.id());
                        assertTrue(out.elements(ValueLayout.JAVA_BYTE).allMatch(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0), c.id());
                        rejected++;
                        continue;
                    }
                    assertTrue(ok, c.id());
                    assertArrayEquals(c.pt(), out.toArray(ValueLayout.JAVA_BYTE), c.id());
                    MemorySegment sealed = arena.allocate(Math.max(1, c.pt().length), 64).asSlice(0, c.pt().length);
                    MemorySegment tag = arena.allocate(16);
                    CpuAesGcm.seal(InsecureNonce.permit(), ctx, iv, aad, copy(arena, c.pt()), sealed, tag);
                    assertArrayEquals(c.ct(), sealed.toArray(ValueLayout.JAVA_BYTE), c.id());
                    assertArrayEquals(c.tag(), tag.toArray(ValueLayout.JAVA_BYTE), c.id());
                    checked++;
                }
            }
        }
        assertTrue(checked > 100 && rejected > 10, checked + " vectors checked, " + rejected + " rejected");
        System.out.println("vaes: " + checked + " NIST vectors sealed and opened, " + rejected + " FAIL cases rejected");
    }

    @Test
    void theCounterWrapsInItsLow32BitsAcrossAVectorStepAsGcmsInc32() throws Exception {
        requireEngine();
        SplittableRandom r = new SplittableRandom(21);
        byte[] key = new byte[32];
        byte[] nonce = new byte[12];
        r.nextBytes(key);
        r.nextBytes(nonce);
        int firstBlock = 0xFFFFFFF0; // block counters 0xFFFFFFF2 .. 0xFFFFFFFF, then 0, 1, ...
        int blocks = 40; // a 256-byte vector step, then single blocks, then a partial block
        byte[] in = new byte[blocks * 16 - 5];
        r.nextBytes(in);
        byte[] expected = new byte[in.length];
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        for (int b = 0; b < blocks; b++) {
            byte[] counter = java.util.Arrays.copyOf(nonce, 16);
            int value = 2 + firstBlock + b; // J0 = nonce || 1; the first data block is J0 + 1
            counter[12] = (byte) (value >>> 24);
            counter[13] = (byte) (value >>> 16);
            counter[14] = (byte) (value >>> 8);
            counter[15] = (byte) value;
            byte[] ks = ecb.doFinal(counter);
            for (int i = 0; i < 16 && b * 16 + i < in.length; i++) {
                expected[b * 16 + i] = (byte) (in[b * 16 + i] ^ ks[i]);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = context(arena, key);
            MemorySegment out = arena.allocate(in.length);
            CpuAesGcm.ctr(ctx, MemorySegment.ofArray(nonce), firstBlock, copy(arena, in), out);
            assertArrayEquals(expected, out.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeTheNativeCall() {
        requireEngine();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = context(arena, new byte[32]);
            MemorySegment iv = arena.allocate(12);
            MemorySegment none = MemorySegment.ofArray(new byte[0]);
            MemorySegment data = arena.allocate(100);
            MemorySegment tag = arena.allocate(16);
            MemorySegment misaligned = arena.allocate(CpuAesGcm.contextBytes() + 64, 64).asSlice(8, CpuAesGcm.contextBytes());
            assertThrows(IllegalArgumentException.class, () -> CpuAesGcm.init(misaligned, MemorySegment.ofArray(new byte[32])));
            assertThrows(IllegalArgumentException.class, () -> CpuAesGcm.init(ctx, MemorySegment.ofArray(new byte[20])));
            assertThrows(IllegalArgumentException.class, () -> CpuAesGcm.seal(InsecureNonce.permit(), ctx, arena.allocate(16), none, data, data, tag));
            assertThrows(IllegalArgumentException.class, () -> CpuAesGcm.seal(InsecureNonce.permit(), ctx, iv, none, data, data, arena.allocate(17)));
            assertThrows(IllegalArgumentException.class, () -> CpuAesGcm.seal(InsecureNonce.permit(), ctx, iv, none, data, arena.allocate(99), tag));
            assertThrows(IndexOutOfBoundsException.class, () -> CpuAesGcm.open(ctx, iv, none, data, tag, arena.allocate(10), 95));
        }
    }

    @Test
    void aWipedContextIsAllZeroAndRefusedByTheLibrary() {
        requireEngine();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = context(arena, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            assertFalse(ctx.elements(ValueLayout.JAVA_BYTE).allMatch(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0));
            CpuAesGcm.wipe(ctx);
            assertTrue(ctx.elements(ValueLayout.JAVA_BYTE).allMatch(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0));
            MemorySegment data = arena.allocate(32);
            NativeException e = assertThrows(NativeException.class,
                    () -> CpuAesGcm.seal(InsecureNonce.permit(), ctx, arena.allocate(12), MemorySegment.ofArray(new byte[0]), data, data, arena.allocate(16)));
            assertEquals("tsg_seal", e.function());
        }
    }
}
