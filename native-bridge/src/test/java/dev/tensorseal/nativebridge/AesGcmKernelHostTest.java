package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel's arithmetic, compiled for the CPU (libtensorseal_gcm_host.so), against javax.crypto:
 * the one-chunk sequential path and the batched path that runs the kernel's per-thread
 * decomposition, on the NIST CAVP vectors and on random inputs.
 */
class AesGcmKernelHostTest {
    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;

    @Test
    void abiMatchesTheJavaLayouts() {
        NativePrerequisites.requireHostLibrary();
        int[] abi = GcmHost.abi();
        assertEquals(GcmHost.ABI_VERSION, abi[0]);
        assertEquals(GcmHost.THREADS, abi[1]);
        assertEquals(GcmHost.KEY_CONTEXT_BYTES, abi[2]);
        assertEquals(ChunkBatch.DESCRIPTOR.byteSize(), abi[3]);
        assertEquals(48, abi[3]);
    }

    @TestFactory
    Stream<DynamicTest> nistEncryptVectors() throws Exception {
        return nist("gcmEncryptExtIV256.rsp");
    }

    @TestFactory
    Stream<DynamicTest> nistDecryptVectors() throws Exception {
        return nist("gcmDecrypt256.rsp");
    }

    private Stream<DynamicTest> nist(String file) throws Exception {
        NativePrerequisites.requireHostLibrary();
        List<NistGcmVectors.Case> cases = NistGcmVectors.load(file);
        assertTrue(cases.size() > 100, "expected the 256-bit/96-bit/128-bit sections, parsed " + cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> check(c)));
    }

    private static void check(NistGcmVectors.Case c) throws GeneralSecurityException {
        byte[] sealed = concat(c.ct(), c.tag());
        byte[] jce = jceOpen(c.key(), c.iv(), c.aad(), sealed);
        if (c.fail()) {
            assertEquals(null, jce, "JCE accepted a FAIL case");
            assertEquals(null, hostOpen(c.key(), c.iv(), c.aad(), sealed), "sequential open accepted a FAIL case");
            assertEquals(null, batchOpen(c.key(), c.iv(), c.aad(), sealed), "batched open accepted a FAIL case");
            return;
        }
        assertArrayEquals(c.pt(), jce);
        assertArrayEquals(sealed, hostSeal(c.key(), c.iv(), c.aad(), c.pt()), "sequential seal");
        assertArrayEquals(sealed, batchSeal(c.key(), c.iv(), c.aad(), c.pt()), "batched seal");
        assertArrayEquals(c.pt(), hostOpen(c.key(), c.iv(), c.aad(), sealed), "sequential open");
        assertArrayEquals(c.pt(), batchOpen(c.key(), c.iv(), c.aad(), sealed), "batched open");
    }

    @Test
    void bothPathsEqualJceOnRandomSizesKeysAndAad() {
        NativePrerequisites.requireHostLibrary();
        qt().withExamples(150).forAll(integers().between(0, 20_000), integers().between(0, 600), longs().all())
                .checkAssert((length, aadLength, seed) -> {
                    Random r = new Random(seed);
                    byte[] key = bytes(r, 32);
                    byte[] iv = bytes(r, 12);
                    byte[] aad = bytes(r, aadLength);
                    byte[] pt = bytes(r, length);
                    byte[] expected = jceSeal(key, iv, aad, pt);
                    assertArrayEquals(expected, hostSeal(key, iv, aad, pt));
                    assertArrayEquals(expected, batchSeal(key, iv, aad, pt));
                    assertArrayEquals(pt, batchOpen(key, iv, aad, expected));
                    byte[] tampered = expected.clone();
                    tampered[r.nextInt(tampered.length)] ^= (byte) (1 << r.nextInt(8));
                    assertEquals(null, batchOpen(key, iv, aad, tampered));
                    assertEquals(null, hostOpen(key, iv, aad, tampered));
                });
    }

    @Test
    void aBatchOfChunksUnderSeveralKeysAtUnalignedOffsetsEqualsJcePerChunk() {
        NativePrerequisites.requireHostLibrary();
        qt().withExamples(40).forAll(integers().between(1, 9), longs().all()).checkAssert((chunks, seed) -> {
            Random r = new Random(seed);
            byte[][] keys = {bytes(r, 32), bytes(r, 32), bytes(r, 32)};
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ctx = arena.allocate((long) GcmHost.KEY_CONTEXT_BYTES * keys.length, 16);
                for (int k = 0; k < keys.length; k++) {
                    GcmHost.keyInit(arena.allocateFrom(B, keys[k]),
                            ctx.asSlice((long) k * GcmHost.KEY_CONTEXT_BYTES, GcmHost.KEY_CONTEXT_BYTES));
                }
                int[] len = new int[chunks];
                int[] aadLen = new int[chunks];
                int[] keyOf = new int[chunks];
                long inTotal = 0, aadTotal = 0;
                for (int i = 0; i < chunks; i++) {
                    len[i] = r.nextInt(9000);
                    aadLen[i] = r.nextInt(120);
                    keyOf[i] = r.nextInt(keys.length);
                    inTotal += len[i] + 3;
                    aadTotal += aadLen[i] + 1;
                }
                MemorySegment pt = arena.allocate(inTotal + 1);
                MemorySegment aad = arena.allocate(aadTotal + 1);
                MemorySegment sealed = arena.allocate(inTotal + 16L * chunks + 1);
                MemorySegment opened = arena.allocate(inTotal + 1);
                pt.copyFrom(MemorySegment.ofArray(bytes(r, (int) pt.byteSize())));
                aad.copyFrom(MemorySegment.ofArray(bytes(r, (int) aad.byteSize())));
                ChunkBatch seal = new ChunkBatch(arena, chunks);
                ChunkBatch open = new ChunkBatch(arena, chunks);
                long pOff = 1, sOff = 1, aOff = 1; // deliberately not 16-byte aligned
                long[] p = new long[chunks], s = new long[chunks], a = new long[chunks];
                byte[][] nonces = new byte[chunks][];
                for (int i = 0; i < chunks; i++) {
                    nonces[i] = ChunkBatch.nonce(i, r.nextLong() & Long.MAX_VALUE);
                    p[i] = pOff;
                    s[i] = sOff;
                    a[i] = aOff;
                    seal.add(pOff, sOff, aOff, len[i], aadLen[i], keyOf[i], nonces[i]);
                    open.add(sOff, pOff, aOff, len[i], aadLen[i], keyOf[i], nonces[i]);
                    pOff += len[i] + 3;
                    sOff += len[i] + 16;
                    aOff += aadLen[i] + 1;
                }
                MemorySegment status = arena.allocate(4L * chunks);
                GcmHost.sealChunks(ctx, keys.length, seal, pt, aad, sealed, status);
                for (int i = 0; i < chunks; i++) {
                    assertEquals(ChunkBatch.STATUS_OK, status.getAtIndex(ValueLayout.JAVA_INT, i));
                    byte[] expected = jceSeal(keys[keyOf[i]], nonces[i], aad.asSlice(a[i], aadLen[i]).toArray(B),
                            pt.asSlice(p[i], len[i]).toArray(B));
                    assertArrayEquals(expected, sealed.asSlice(s[i], len[i] + 16L).toArray(B), "chunk " + i);
                }
                int victim = r.nextInt(chunks);
                sealed.set(B, s[victim] + len[victim], (byte) (sealed.get(B, s[victim] + len[victim]) ^ 0x80));
                opened.fill((byte) 0x5a); // poison: every byte must be rewritten
                GcmHost.openChunks(ctx, keys.length, open, sealed, aad, opened, status);
                for (int i = 0; i < chunks; i++) {
                    int expectedStatus = i == victim ? ChunkBatch.STATUS_TAG_MISMATCH : ChunkBatch.STATUS_OK;
                    assertEquals(expectedStatus, status.getAtIndex(ValueLayout.JAVA_INT, i), "chunk " + i);
                    byte[] want = i == victim ? new byte[len[i]] : pt.asSlice(p[i], len[i]).toArray(B);
                    assertArrayEquals(want, opened.asSlice(p[i], len[i]).toArray(B), "chunk " + i);
                }
                ctx.fill((byte) 0);
            }
        });
    }

    @Test
    void aBadKeyIndexIsReportedPerChunkAndOutOfBoundsDescriptorsAreRejected() {
        NativePrerequisites.requireHostLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = arena.allocate(GcmHost.KEY_CONTEXT_BYTES);
            GcmHost.keyInit(arena.allocate(32), ctx);
            MemorySegment in = arena.allocate(64);
            MemorySegment out = arena.allocate(88);
            MemorySegment status = arena.allocate(8);
            ChunkBatch batch = new ChunkBatch(arena, 2).add(0, 0, 0, 32, 0, 0, new byte[12]).add(32, 40, 0, 32, 0, 7,
                    new byte[12]);
            GcmHost.sealChunks(ctx, 1, batch, in, MemorySegment.NULL, out, status);
            assertEquals(ChunkBatch.STATUS_OK, status.getAtIndex(ValueLayout.JAVA_INT, 0));
            assertEquals(ChunkBatch.STATUS_BAD_KEY_INDEX, status.getAtIndex(ValueLayout.JAVA_INT, 1));
            ChunkBatch tooLong = new ChunkBatch(arena, 1).add(0, 0, 0, 65, 0, 0, new byte[12]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GcmHost.sealChunks(ctx, 1, tooLong, in, MemorySegment.NULL, out, status));
            assertTrue(e.getMessage().contains("chunk 0 reaches past"), e.getMessage());
        }
    }

    @Test
    void theStoreNonceIsChunkIndexThenGenerationBigEndian() {
        assertArrayEquals(new byte[] {0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 9}, ChunkBatch.nonce(258, 9));
        assertFalse(ChunkBatch.nonce(1, 0).length != 12);
    }

    // --- helpers -----------------------------------------------------------------------------

    static byte[] hostSeal(byte[] key, byte[] iv, byte[] aad, byte[] pt) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(pt.length + 16L);
            GcmHost.seal(a.allocateFrom(B, key), a.allocateFrom(B, iv), seg(a, aad), seg(a, pt), out);
            return out.toArray(B);
        }
    }

    static byte[] hostOpen(byte[] key, byte[] iv, byte[] aad, byte[] sealed) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(sealed.length - 16L);
            out.fill((byte) 0x5a);
            boolean ok = GcmHost.open(a.allocateFrom(B, key), a.allocateFrom(B, iv), seg(a, aad), seg(a, sealed), out);
            if (!ok) {
                assertArrayEquals(new byte[sealed.length - 16], out.toArray(B), "failed open must zero its output");
            }
            return ok ? out.toArray(B) : null;
        }
    }

    static byte[] batchSeal(byte[] key, byte[] iv, byte[] aad, byte[] pt) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ctx = a.allocate(GcmHost.KEY_CONTEXT_BYTES);
            GcmHost.keyInit(a.allocateFrom(B, key), ctx);
            MemorySegment out = a.allocate(pt.length + 16L);
            MemorySegment status = a.allocate(4);
            status.fill((byte) 0x7f);
            ChunkBatch batch = new ChunkBatch(a, 1).add(0, 0, 0, pt.length, aad.length, 0, iv);
            GcmHost.sealChunks(ctx, 1, batch, seg(a, pt), seg(a, aad), out, status);
            assertEquals(ChunkBatch.STATUS_OK, status.get(ValueLayout.JAVA_INT, 0));
            return out.toArray(B);
        }
    }

    static byte[] batchOpen(byte[] key, byte[] iv, byte[] aad, byte[] sealed) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ctx = a.allocate(GcmHost.KEY_CONTEXT_BYTES);
            GcmHost.keyInit(a.allocateFrom(B, key), ctx);
            MemorySegment out = a.allocate(sealed.length - 16L);
            out.fill((byte) 0x5a);
            MemorySegment status = a.allocate(4);
            status.fill((byte) 0x7f);
            ChunkBatch batch = new ChunkBatch(a, 1).add(0, 0, 0, sealed.length - 16, aad.length, 0, iv);
            GcmHost.openChunks(ctx, 1, batch, seg(a, sealed), seg(a, aad), out, status);
            int st = status.get(ValueLayout.JAVA_INT, 0);
            if (st != ChunkBatch.STATUS_OK) {
                assertEquals(ChunkBatch.STATUS_TAG_MISMATCH, st);
                assertArrayEquals(new byte[sealed.length - 16], out.toArray(B), "failed chunk must be zeroed");
                return null;
            }
            return out.toArray(B);
        }
    }

    static byte[] jceSeal(byte[] key, byte[] iv, byte[] aad, byte[] pt) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad);
            return c.doFinal(pt);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] jceOpen(byte[] key, byte[] iv, byte[] aad, byte[] sealed) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        c.updateAAD(aad);
        try {
            return c.doFinal(sealed);
        } catch (AEADBadTagException e) {
            return null;
        }
    }

    private static MemorySegment seg(Arena a, byte[] b) {
        return b.length == 0 ? MemorySegment.NULL : a.allocateFrom(B, b);
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static byte[] concat(byte[] x, byte[] y) {
        byte[] out = new byte[x.length + y.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
