package dev.tensorseal.devtools.gpu;

import dev.tensorseal.nativebridge.ChunkBatch;
import dev.tensorseal.nativebridge.DeviceBuffer;
import dev.tensorseal.nativebridge.GpuAesGcm;
import dev.tensorseal.nativebridge.PinnedBuffer;
import dev.tensorseal.nativebridge.internal.gcm.InsecureNonce;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The device half of {@link GpuCheck}: correctness on the GPU, then the bandwidth table. */
final class DeviceChecks {
    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    private static final long GIB = 1L << 30;
    private static final int AAD_BYTES = 64;

    private final GpuAesGcm g;
    private final PrintStream out;
    private final Verdicts verdict;

    DeviceChecks(GpuAesGcm g, PrintStream out, Verdicts verdict) {
        this.g = g;
        this.out = out;
        this.verdict = verdict;
    }

    void run(List<Object[]> nist) {
        nistOnDevice(nist);
        randomEqualityAndTamper();
        bench();
    }

    private DeviceBuffer upload(MemorySegment host) {
        DeviceBuffer d = g.allocate(host.byteSize());
        try (PinnedBuffer p = g.allocatePinned(host.byteSize())) {
            MemorySegment.copy(host, 0, p.segment(), 0, host.byteSize());
            g.copyToDevice(p, 0, d, 0, host.byteSize());
            g.synchronize();
        }
        return d;
    }

    private byte[] download(DeviceBuffer d, long offset, long bytes) {
        try (PinnedBuffer p = g.allocatePinned(bytes)) {
            g.copyToHost(d, offset, p, 0, bytes);
            g.synchronize();
            return p.segment().toArray(B);
        }
    }

    private void nistOnDevice(List<Object[]> cases) {
        if (cases.isEmpty()) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            int n = cases.size();
            long ptTotal = 0, aadTotal = 0;
            for (Object[] c : cases) {
                ptTotal += ((byte[]) c[4]).length;
                aadTotal += ((byte[]) c[3]).length;
            }
            MemorySegment pt = a.allocate(ptTotal + 1), aad = a.allocate(aadTotal + 1), sealed = a.allocate(ptTotal + 16L * n);
            ChunkBatch seal = new ChunkBatch(a, n), open = new ChunkBatch(a, n);
            List<MemorySegment> keys = new java.util.ArrayList<>();
            long p = 0, s = 0, q = 0;
            for (int i = 0; i < n; i++) {
                Object[] c = cases.get(i);
                byte[] ct = (byte[]) c[4], ad = (byte[]) c[3], tag = (byte[]) c[5];
                keys.add(a.allocateFrom(B, (byte[]) c[0]));
                if (c[2] != null) {
                    MemorySegment.copy((byte[]) c[2], 0, pt, B, p, ct.length);
                }
                MemorySegment.copy(ad, 0, aad, B, q, ad.length);
                MemorySegment.copy(ct, 0, sealed, B, s, ct.length);
                MemorySegment.copy(tag, 0, sealed, B, s + ct.length, 16);
                seal.add(p, s, q, ct.length, ad.length, i, (byte[]) c[1]);
                open.add(s, p, q, ct.length, ad.length, i, (byte[]) c[1]);
                p += ct.length;
                s += ct.length + 16;
                q += ad.length;
            }
            try (DeviceBuffer k = g.uploadKeys(keys); DeviceBuffer dPt = upload(pt); DeviceBuffer dAad = upload(aad);
                 DeviceBuffer dSealed = upload(sealed); DeviceBuffer dOut = g.allocate(sealed.byteSize())) {
                g.fill(dOut, (byte) 0xa5);
                int[] st = g.open(k, n, open, dSealed, dAad, dOut);
                byte[] opened = download(dOut, 0, ptTotal);
                int wrong = 0;
                for (int i = 0; i < n; i++) {
                    Object[] c = cases.get(i);
                    long off = open.descriptors().get(ValueLayout.JAVA_LONG, i * 48L + 8);
                    int len = ((byte[]) c[4]).length;
                    byte[] got = Arrays.copyOfRange(opened, (int) off, (int) off + len);
                    boolean ok = c[2] == null ? st[i] == ChunkBatch.STATUS_TAG_MISMATCH && Arrays.equals(got, new byte[len])
                            : st[i] == ChunkBatch.STATUS_OK && Arrays.equals(got, (byte[]) c[2]);
                    wrong += ok ? 0 : 1;
                }
                verdict.report("NIST GCM-256 vectors, device open", wrong == 0, n + " cases, " + wrong + " wrong");
                g.fill(dOut, (byte) 0xa5);
                int[] st2 = g.seal(InsecureNonce.permit(), k, n, seal, dPt, dAad, dOut);
                byte[] resealed = download(dOut, 0, sealed.byteSize());
                int wrongSeal = 0;
                for (int i = 0; i < n; i++) {
                    if (cases.get(i)[2] == null) {
                        continue;
                    }
                    long off = seal.descriptors().get(ValueLayout.JAVA_LONG, i * 48L + 8);
                    int len = ((byte[]) cases.get(i)[4]).length + 16;
                    boolean ok = st2[i] == 0 && Arrays.equals(Arrays.copyOfRange(resealed, (int) off, (int) off + len),
                            sealed.asSlice(off, len).toArray(B));
                    wrongSeal += ok ? 0 : 1;
                }
                verdict.report("NIST GCM-256 vectors, device seal", wrongSeal == 0, wrongSeal + " wrong");
            }
        }
    }

    private void randomEqualityAndTamper() {
        Random r = new Random();
        int chunks = 257;
        int chunk = GpuCheck.chunkBytes();
        int last = chunk - 7; // a short, non-multiple-of-16 last chunk
        long ptBytes = (long) (chunks - 1) * chunk + last;
        try (Arena a = Arena.ofConfined()) {
            byte[][] keys = {GpuCheck.random(r, 32), GpuCheck.random(r, 32)};
            MemorySegment pt = a.allocate(ptBytes), aad = a.allocate((long) chunks * AAD_BYTES);
            MemorySegment sealed = a.allocate(ptBytes + 16L * chunks);
            pt.copyFrom(MemorySegment.ofArray(GpuCheck.random(r, (int) ptBytes)));
            aad.copyFrom(MemorySegment.ofArray(GpuCheck.random(r, (int) aad.byteSize())));
            ChunkBatch open = new ChunkBatch(a, chunks), seal = new ChunkBatch(a, chunks);
            for (int i = 0; i < chunks; i++) {
                int len = i == chunks - 1 ? last : chunk;
                int aadLen = r.nextInt(AAD_BYTES + 1);
                byte[] nonce = ChunkBatch.nonce(i, r.nextLong() & Long.MAX_VALUE);
                long p = (long) i * chunk, s = (long) i * (chunk + 16);
                byte[] ref = GpuCheck.jceSeal(keys[i & 1], nonce, aad.asSlice((long) i * AAD_BYTES, aadLen).toArray(B),
                        pt.asSlice(p, len).toArray(B));
                MemorySegment.copy(ref, 0, sealed, B, s, ref.length);
                open.add(s, p, (long) i * AAD_BYTES, len, aadLen, i & 1, nonce);
                seal.add(p, s, (long) i * AAD_BYTES, len, aadLen, i & 1, nonce);
            }
            try (DeviceBuffer k = g.uploadKeys(List.of(a.allocateFrom(B, keys[0]), a.allocateFrom(B, keys[1])));
                 DeviceBuffer dPt = upload(pt); DeviceBuffer dAad = upload(aad); DeviceBuffer dSealed = upload(sealed);
                 DeviceBuffer dOut = g.allocate(sealed.byteSize())) {
                g.fill(dOut, (byte) 0xa5);
                int[] st = g.open(k, 2, open, dSealed, dAad, dOut);
                boolean allOk = Arrays.stream(st).allMatch(x -> x == ChunkBatch.STATUS_OK);
                verdict.report("device open == javax.crypto, 257 random chunks",
                        allOk && Arrays.equals(download(dOut, 0, ptBytes), pt.toArray(B)), "output poisoned first");
                g.fill(dOut, (byte) 0xa5);
                g.seal(InsecureNonce.permit(), k, 2, seal, dPt, dAad, dOut);
                verdict.report("device seal == javax.crypto, 257 random chunks",
                        Arrays.equals(download(dOut, 0, sealed.byteSize()), sealed.toArray(B)), "output poisoned first");
                int victim = 1 + r.nextInt(chunks - 2);
                long at = (long) victim * (chunk + 16) + r.nextInt(chunk + 16);
                sealed.set(B, at, (byte) (sealed.get(B, at) ^ 0x01));
                try (DeviceBuffer bad = upload(sealed)) {
                    g.fill(dOut, (byte) 0xa5);
                    int[] st2 = g.open(k, 2, open, bad, dAad, dOut);
                    byte[] got = download(dOut, 0, ptBytes);
                    boolean ok = true;
                    for (int i = 0; i < chunks; i++) {
                        int len = i == chunks - 1 ? last : chunk;
                        byte[] want = i == victim ? new byte[len] : pt.asSlice((long) i * chunk, len).toArray(B);
                        ok &= st2[i] == (i == victim ? ChunkBatch.STATUS_TAG_MISMATCH : ChunkBatch.STATUS_OK)
                                && Arrays.equals(Arrays.copyOfRange(got, i * chunk, i * chunk + len), want);
                    }
                    verdict.report("tamper: one flipped bit fails only its chunk, zeroed", ok, "chunk " + victim);
                }
            }
        }
    }

    private void bench() {
        int chunk = GpuCheck.chunkBytes();
        int chunks = (int) (GIB / chunk);
        int slices = 16;
        int perSlice = chunks / slices;
        long sealedBytes = GIB + 16L * chunks;
        Random r = new Random(1);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocateFrom(B, GpuCheck.random(r, 32));
            ChunkBatch open = new ChunkBatch(a, chunks), seal = new ChunkBatch(a, chunks);
            for (int i = 0; i < chunks; i++) {
                byte[] nonce = ChunkBatch.nonce(i, 1);
                open.add((long) i * (chunk + 16), (long) i * chunk, (long) i * AAD_BYTES, chunk, AAD_BYTES, 0, nonce);
                seal.add((long) i * chunk, (long) i * (chunk + 16), (long) i * AAD_BYTES, chunk, AAD_BYTES, 0, nonce);
            }
            try (DeviceBuffer k = g.uploadKeys(List.of(key)); DeviceBuffer pt = g.allocate(GIB);
                 DeviceBuffer sealed = g.allocate(sealedBytes); DeviceBuffer outBuf = g.allocate(GIB);
                 DeviceBuffer aad = g.allocate((long) chunks * AAD_BYTES); DeviceBuffer status = g.allocate(4L * chunks);
                 DeviceBuffer openDesc = upload(open.descriptors()); PinnedBuffer host = g.allocatePinned(sealedBytes)) {
                long block = 64L << 20;
                MemorySegment rnd = MemorySegment.ofArray(GpuCheck.random(r, (int) block));
                for (long off = 0; off < sealedBytes; off += block) {
                    long n = Math.min(block, sealedBytes - off);
                    MemorySegment.copy(rnd, 0, host.segment(), off, n);
                }
                g.copyToDevice(host, 0, pt, 0, GIB);
                g.copyToDevice(host, 0, aad, 0, aad.byteSize());
                g.seal(InsecureNonce.permit(), k, 1, seal, pt, aad, sealed); // realistic ciphertext, sealed on the device
                g.fill(status, (byte) 0xff); // cuMemAlloc memory is not zeroed: poison, so "all OK" proves the writes
                float decrypt = best(() -> g.launch(null, false, k, 1, openDesc, chunks, sealed, aad, outBuf, status));
                boolean allOk = Arrays.equals(download(status, 0, 4L * chunks), new byte[4 * chunks]);
                verdict.report("1 GiB device open: every tag verified", allOk, "");
                float d2d = best(() -> g.copyOnDevice(pt, 0, outBuf, 0, GIB));
                float h2d = best(() -> g.copyToDevice(host, 0, pt, 0, GIB));
                // sealed upload: re-read the device's ciphertext into pinned memory, then pipeline
                g.copyToHost(sealed, 0, host, 0, sealedBytes);
                g.fill(status, (byte) 0xff); // the statuses checked below come from the pipelined launches
                g.synchronize();
                long sliceBytes = (long) perSlice * (chunk + 16);
                float pipelined = best(() -> g.openPipelined(k, 1, openDesc, perSlice, slices, sliceBytes, host, sealed, aad,
                        outBuf, status));
                boolean pipeOk = Arrays.equals(download(status, 0, 4L * chunks), new byte[4 * chunks]);
                verdict.report("pipelined sealed upload: every tag verified", pipeOk, "");
                out.println();
                out.printf("| measurement (1 GiB, 64 KiB chunks, AAD 64 B) | GB/s |%n|---|---|%n");
                out.printf("| on-device decrypt+verify (kernel only) | %.1f |%n", gbps(GIB, decrypt));
                out.printf("| device-to-device copy | %.1f |%n", gbps(GIB, d2d));
                out.printf("| plain H2D (pinned, cuMemHostAlloc) | %.1f |%n", gbps(GIB, h2d));
                out.printf("| sealed upload: H2D + decrypt, %d slices pipelined | %.1f (%.2f of plain H2D) |%n", slices,
                        gbps(GIB, pipelined), h2d / pipelined);
            }
        }
    }

    /** Best of three device-timed runs after one warm-up, in milliseconds. */
    private float best(Runnable work) {
        g.timeMillis(work);
        float best = Float.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            best = Math.min(best, g.timeMillis(work));
        }
        return best;
    }

    private static double gbps(long bytes, float millis) {
        return bytes / (millis / 1e3) / 1e9;
    }
}
