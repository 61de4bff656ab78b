package dev.tensorseal.internal.tseal;

import dev.tensorseal.KeySource;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.onnx.OnnxRestore;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import dev.tensorseal.internal.remote.RemoteSource;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.ViewLease;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Exports a .tseal file to the format it was sealed from (safetensors, a sharded checkpoint through
 * {@link ShardedExport}, ONNX), streaming plaintext out of the store a slice at a time; each output is written to a
 * temporary file and renamed into place only when complete.
 */
public final class TsealExport {
    static final long EXPORT_SLICE_BYTES = 16L << 20;

    private TsealExport() {}

    /**
     * Exports to the source format: a .safetensors file, a sharded checkpoint (out = the index path; shards are
     * written beside it under their original names), or for ONNX-sourced files the .onnx with weights restored.
     * Existing files are replaced.
     */
    public static void export(Path in, KeySource key, Path out, LongConsumer progressBytes) throws IOException {
        export(TsealFiles.open(in, key), out, progressBytes, true);
    }

    /**
     * Exports an opened file (closing its store) as {@link #export(Path, KeySource, Path, LongConsumer)}; without
     * {@code replace} no existing file is overwritten ({@link java.nio.file.FileAlreadyExistsException}). A sharded
     * export that fails removes the shards it already wrote.
     */
    public static void export(TsealFiles.Opened o, Path out, LongConsumer progressBytes, boolean replace) throws IOException {
        try (SealedStore store = o.store()) {
            Map<String, String> md = o.header().metadata();
            String source = md.getOrDefault("source", "store");
            switch (source) {
                case "onnx" -> exportOnnx(store, out, progressBytes, replace);
                case "sharded" -> ShardedExport.write(store, md, out, progressBytes, replace);
                default -> {
                    List<String> names = names(store, md);
                    // remote: requests kept in flight across tensors (nothing for a local file)
                    Runnable stopReadAhead = store.source() instanceof RemoteSource r
                            ? r.readAhead(names, r.defaultWindowBytes()) : () -> { };
                    try {
                        exportSafetensors(store, names, prefixed(md, "st."), out, progressBytes, replace);
                    } finally {
                        stopReadAhead.run();
                    }
                }
            }
        }
    }

    /** Writes the .onnx back with every initializer's plaintext inline, streamed slice by slice from the store. */
    private static void exportOnnx(SealedStore store, Path out, LongConsumer progress, boolean replace) throws IOException {
        byte[] graph;
        ViewLease v = store.read(TsealFiles.ONNX_GRAPH_TENSOR);
        try {
            graph = v.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE); // structure only: the importer stored it with no weight bytes
        } finally {
            v.close();
        }
        List<OnnxRestore.Piece> plan = OnnxRestore.plan(MemorySegment.ofArray(graph), name -> store.info(name)
                .orElseThrow(() -> new TensorSealException("the stored graph names initializer '" + name
                        + "', which the file does not hold")).byteSize());
        TsealWriter.atomicWrite(out, replace, null, ch -> {
            long[] at = {0};
            for (OnnxRestore.Piece p : plan) {
                switch (p) {
                    case OnnxRestore.Bytes b -> {
                        TsealWriter.writeAt(ch, java.nio.ByteBuffer.wrap(b.bytes()), at[0]);
                        at[0] += b.lengthBytes();
                    }
                    case OnnxRestore.Initializer i -> streamTensor(store, i.name(), slice -> {
                        int n = slice.remaining();
                        TsealWriter.writeAt(ch, slice, at[0]);
                        at[0] += n;
                    }, progress);
                }
            }
        });
    }

    static List<String> names(SealedStore store, Map<String, String> md) {
        String order = md.get("order");
        if (order != null) {
            List<String> names = order.isEmpty() ? List.of() : List.of(order.split("\n", -1));
            Set<String> seen = new HashSet<>();
            for (String n : names) {
                if (!seen.add(n)) {
                    throw new TensorSealException("the file's tensor order names tensor " + TsealFiles.printable(n)
                            + " twice: refusing to export a file with a duplicate key");
                }
            }
            return names;
        }
        return store.list().stream().map(TensorInfo::name).filter(n -> !n.equals(TsealFiles.ONNX_GRAPH_TENSOR)).toList();
    }

    static Map<String, String> prefixed(Map<String, String> md, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        md.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    static void exportSafetensors(SealedStore store, List<String> names, Map<String, String> metadata, Path out,
            LongConsumer progress, boolean replace) throws IOException {
        List<SafetensorsWriter.Declared> declared = new ArrayList<>();
        for (String n : names) {
            TensorInfo info = store.info(n).orElseThrow(() -> new TensorSealException("the file has no tensor '" + n + "'"));
            declared.add(new SafetensorsWriter.Declared(n, info.dtype().name(), info.shape()));
        }
        TsealWriter.atomicWrite(out, replace, null, ch -> {
            SafetensorsWriter w = new SafetensorsWriter(ch, declared, metadata);
            for (String n : names) {
                streamTensor(store, n, w::write, progress);
            }
            w.finish();
        });
    }

    /** A sink of plaintext slices, each valid only during the call. */
    interface Sink {
        void accept(java.nio.ByteBuffer slice) throws IOException;
    }

    /** Decrypts {@code name} slice by slice (at most 16 MiB of plaintext open at once) into {@code sink}. */
    static void streamTensor(SealedStore store, String name, Sink sink, LongConsumer progress) throws IOException {
        long size = store.info(name).orElseThrow().byteSize();
        for (long at = 0; at < size; at += EXPORT_SLICE_BYTES) {
            long len = Math.min(EXPORT_SLICE_BYTES, size - at);
            ViewLease v = store.read(name, at, len);
            try {
                sink.accept(v.segment().asByteBuffer());
            } finally {
                v.close();
            }
            progress.accept(len);
        }
    }
}
