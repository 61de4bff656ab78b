package dev.tensorseal.remote;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A small sealed model (a few tensors, 64 KiB chunks) as file bytes, with its plaintext and tensor extents. */
record SealedModel(byte[] file, Map<String, byte[]> plaintext, TsealHeader header) {
    /** Tensors: "big" 1.5 MiB (24 chunks), "mid" 200 KiB (4 chunks), "small" 5000 bytes (1 chunk). */
    static SealedModel make(KeySource key, long seed, Path dir) throws IOException {
        Random r = new Random(seed);
        Map<String, byte[]> plain = new LinkedHashMap<>();
        plain.put("big", bytes(r, 3 << 19));
        plain.put("mid", bytes(r, 200 << 10));
        plain.put("small", bytes(r, 5000));
        Path file = dir.resolve("model-" + seed + ".tseal");
        try (TensorStore store = TensorStore.builder().keySource(key).build()) {
            for (var e : plain.entrySet()) {
                store.put(e.getKey(), DType.U8, new long[] {e.getValue().length}, e.getValue());
            }
            SealedFile.save(store, key, file);
        }
        return new SealedModel(Files.readAllBytes(file), plain, TsealReader.readUnverified(file));
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Where {@code tensor}'s chunks lie in the file: [start, end). */
    long[] extent(String tensor) {
        TsealHeader.Entry e = header.tensors().stream().filter(t -> t.info().name().equals(tensor)).findFirst().orElseThrow();
        return new long[] {e.dataOffsetBytes(), e.endBytes()};
    }
}
