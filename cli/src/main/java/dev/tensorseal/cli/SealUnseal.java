package dev.tensorseal.cli;

import dev.tensorseal.DType;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.devtools.bench.Rates;
import java.lang.foreign.MemorySegment;

/**
 * One store's seal and unseal figures in GB/s: the best of the timed rounds for {@code seal} (put), {@code unseal}
 * (a view open to its last byte) and {@code close} (the view's close: zeroing and unmapping), and the warm-up round's
 * seal and unseal, the first of the run, on fresh memory ({@code fresh*}).
 */
record SealUnseal(double sealGbps, double unsealGbps, double closeGbps, double freshSealGbps, double freshUnsealGbps) {

    /**
     * Best of {@code rounds} after one warm round. Each round removes the tensor and seals it again (the store reuses
     * the removed tensor's ciphertext memory); leaves the tensor "t" in the store.
     */
    static SealUnseal measure(TensorStore s, MemorySegment data, int rounds) {
        long size = data.byteSize();
        double seal = 0;
        double freshSeal = 0;
        for (int round = 0; round <= rounds; round++) {
            s.remove("t");
            System.gc();
            long t0 = System.nanoTime();
            s.put("t", DType.U8, new long[] {size}, data);
            long t1 = System.nanoTime();
            if (round > 0) {
                seal = Math.max(seal, Rates.gbps(size, t1 - t0));
            } else {
                freshSeal = Rates.gbps(size, t1 - t0);
            }
        }
        double unseal = 0;
        double close = 0;
        double freshUnseal = 0;
        for (int round = 0; round <= rounds; round++) {
            long t1 = System.nanoTime();
            TensorView v = s.read("t");
            long t2 = System.nanoTime();
            if (v.byteSize() != size) {
                throw new IllegalStateException("view has " + v.byteSize() + " bytes, expected " + size);
            }
            v.close();
            long t3 = System.nanoTime();
            if (round > 0) {
                unseal = Math.max(unseal, Rates.gbps(size, t2 - t1));
                close = Math.max(close, Rates.gbps(size, t3 - t2));
            } else {
                freshUnseal = Rates.gbps(size, t2 - t1);
            }
        }
        return new SealUnseal(seal, unseal, close, freshSeal, freshUnseal);
    }
}
