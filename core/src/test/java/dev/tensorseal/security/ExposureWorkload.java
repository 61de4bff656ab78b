package dev.tensorseal.security;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.store.SealedStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/**
 * The child JVM of the residual-exposure scan: seals canary tensors, reads them through views, closes the
 * views (store path and {@code .tseal} open path), then waits so the parent can dump and scan it.
 *
 * <p>Protocol on stdout: {@code VIEW addr bytes} (a closed view's scratch), {@code OPEN addr bytes} (the
 * control view, left open on purpose), {@code KEY addr bytes} (the master key's segment), {@code READY phase};
 * the child continues when a line arrives on stdin. Args: engine, work directory.
 */
public final class ExposureWorkload {
    /** Tensors sealed, each filled with its own canary. */
    static final int TENSORS = 6;
    /** Bytes per tensor: several 64 KiB chunks. */
    static final int TENSOR_BYTES = 256 * 1024;
    /** The control tensor's index: its view stays open until the store closes. */
    static final int CONTROL = TENSORS;
    static final long KEY_SEED = 0x5EC0_4E7L;

    private ExposureWorkload() {}

    /** The 32-byte canary of tensor {@code i} (SHA-256 of a label: no zero bytes expected, never random). */
    static byte[] canary(int i) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("tensorseal canary " + i).getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] masterKey() {
        byte[] k = new byte[32];
        new Random(KEY_SEED).nextBytes(k);
        return k;
    }

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        Path dir = Path.of(args[1]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        byte[] k = masterKey();
        KeySource key = KeySource.bytes(k);
        Arrays.fill(k, (byte) 0);
        TensorStore store = TensorStore.builder().keySource(key).engine(engine).build();
        System.out.println("KEY " + segmentOf(store));
        for (int i = 0; i <= CONTROL; i++) {
            byte[] data = filled(canary(i));
            store.put("t" + i, DType.U8, new long[] {TENSOR_BYTES}, data);
            Arrays.fill(data, (byte) 0); // the caller's own copy: wiped as the store's javadoc asks
        }
        for (int i = 0; i < TENSORS; i++) {
            try (TensorView v = store.read("t" + i)) {
                check(v, i);
                System.out.println("VIEW " + v.segment().address() + " " + v.segment().byteSize());
            }
            try (TensorView v = store.read("t" + i, 70_000, 100_000)) { // a slice over three chunks
                System.out.println("VIEW " + v.segment().address() + " " + v.segment().byteSize());
            }
        }
        // The .tseal path: save, open (mapped, lazy), read every tensor through views, close them.
        Path file = savedFile(engine, dir);
        SealedFile.save(store, key, file);
        byte[] k2 = masterKey();
        KeySource fileKey = KeySource.bytes(k2);
        Arrays.fill(k2, (byte) 0);
        TensorStore opened = SealedFile.open(file, fileKey);
        for (int i = 0; i < TENSORS; i++) {
            try (TensorView v = opened.read("t" + i)) {
                check(v, i);
                System.out.println("VIEW " + v.segment().address() + " " + v.segment().byteSize());
            }
        }
        opened.close();
        TensorView control = store.read("t" + CONTROL);
        System.out.println("OPEN " + control.segment().address() + " " + control.segment().byteSize());
        System.out.println("READY views-closed");
        in.readLine(); // the parent scans, then dumps the heap (a full GC) and scans again
        System.out.println("READY after-gc");
        in.readLine();
        control.close();
        store.close();
        key.close();
        fileKey.close();
        System.gc();
        System.out.println("READY store-closed");
        in.readLine();
        Files.deleteIfExists(file);
    }

    /** The .tseal file the workload saves its store to (kept until the end, so the parent can derive its keys). */
    static Path savedFile(String engine, Path dir) {
        return dir.resolve("exposure-" + engine + ".tseal");
    }

    private static byte[] filled(byte[] canary) {
        byte[] data = new byte[TENSOR_BYTES];
        for (int at = 0; at < data.length; at += canary.length) {
            System.arraycopy(canary, 0, data, at, canary.length);
        }
        return data;
    }

    private static void check(TensorView v, int i) {
        byte[] c = canary(i);
        for (int at = 0; at < 4096; at++) {
            if (v.getByte(at) != c[at % 32]) {
                throw new IllegalStateException("tensor t" + i + " did not round-trip");
            }
        }
    }

    /** "address bytes" of the store's master key segment (reflection: a test-only look inside). */
    private static String segmentOf(TensorStore facade) throws ReflectiveOperationException {
        Field inner = TensorStore.class.getDeclaredField("store");
        inner.setAccessible(true);
        SealedStore store = (SealedStore) inner.get(facade);
        Field keys = SealedStore.class.getDeclaredField("keys");
        keys.setAccessible(true);
        Object custody = keys.get(store);
        Field f = custody.getClass().getDeclaredField("master");
        f.setAccessible(true);
        MemorySegment s = ((SecretBytes) f.get(custody)).insecureSegment();
        return s.address() + " " + s.byteSize();
    }
}
