package dev.tensorseal.internal.tseal;

import dev.tensorseal.DType;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.memory.HardenedPlaintextMemory;
import dev.tensorseal.internal.onnx.OnnxInitializer;
import dev.tensorseal.internal.onnx.OnnxModel;
import dev.tensorseal.internal.onnx.OnnxRestore;
import dev.tensorseal.internal.safetensors.SafetensorsEntry;
import dev.tensorseal.internal.safetensors.SafetensorsFile;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import dev.tensorseal.internal.safetensors.ShardIndex;
import dev.tensorseal.internal.safetensors.ShardedCheckpoint;
import dev.tensorseal.internal.store.MappedSource;
import dev.tensorseal.internal.store.NonceObserver;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.StoreBridge;
import dev.tensorseal.internal.store.StoreConfig;
import dev.tensorseal.internal.store.TensorMeta;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.internal.remote.RemoteTseal;
import java.io.IOException;
import java.net.URI;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Model-level operations on .tseal files: open into a store, save a store, import safetensors (single or
 * sharded) and ONNX, export back. Metadata keys: {@code source} ({@code safetensors}, {@code sharded},
 * {@code onnx}, {@code store}), {@code st.KEY} (safetensors {@code __metadata__}), {@code index.KEY} (shard index
 * metadata, JSON text), {@code shard.TENSOR} (the shard file a tensor came from).
 */
public final class TsealFiles {
    /** Name of the U8 tensor that holds an imported ONNX graph (initializers external, no weight bytes). */
    public static final String ONNX_GRAPH_TENSOR = "__tensorseal_onnx_graph__";
    static final long EXPORT_SLICE_BYTES = 16L << 20;

    private TsealFiles() {}

    /** A store for sealing; its chunks are the file's chunks. */
    public static TensorStore newStore(KeySource key) {
        return TensorStore.builder().keySource(key).build();
    }

    public static StoreConfig config(KeySource key) {
        return new StoreConfig(key, GcmEngine.defaultName(), TensorMeta.DEFAULT_CHUNK_BYTES, 1L << 30, Runtime.getRuntime().availableProcessors(),
                HardenedPlaintextMemory.system(), NonceObserver.NONE, new SecureRandom());
    }

    /** An opened file: its authenticated header, a store over its chunks, and its header digest (SHA-256 of header and MAC). */
    public record Opened(TsealHeader header, TensorStore store, byte[] headerDigest) {}

    /** Opens {@code file} into a store; the mapping is released when the store becomes unreachable. */
    public static Opened open(Path file, KeySource key) throws IOException {
        return open(file, config(key));
    }

    /** Opens {@code file} into a store with the settings of {@code config} (its key source opens the file). */
    public static Opened open(Path file, StoreConfig config) throws IOException {
        return open(TsealReader.open(file, config.keySource(), Arena.ofAuto()), config);
    }

    /**
     * Opens the object at {@code uri} (https, loopback http, or a scheme a {@link dev.tensorseal.RemoteStorage} on the
     * class path reads) into a store with the settings of {@code config}; its chunks are fetched when read.
     */
    public static Opened open(URI uri, StoreConfig config, RemoteOptions options) {
        return open(RemoteTseal.open(RemoteTseal.storageFor(uri, options), uri, config.keySource(), options, Arena.ofAuto()), config);
    }

    /** Opens an already authenticated file or object into a store. */
    public static Opened open(TsealReader.Opened o, StoreConfig config) {
        SealedStore s;
        try {
            s = SealedStore.restore(config, o.snapshot(), o.source());
        } catch (IntegrityException e) {
            throw new IntegrityException(o.source().name() + ": a data key does not unwrap under this key: " + e.getMessage());
        }
        return new Opened(o.header(), StoreBridge.wrap(s), o.headerDigest());
    }

    /**
     * Saves {@code store} under the key it is sealed under now, after checking that {@code key} is that key: a file
     * written under any other key would open under none, so nothing is written then (the old file stays).
     *
     * @throws UnsupportedParameterException when {@code key} is not the store's current key
     */
    public static void save(TensorStore store, KeySource key, Path file, Map<String, String> metadata) throws IOException {
        SealedStore s = StoreBridge.unwrap(store);
        if (!s.isSealedUnder(key)) {
            throw new UnsupportedParameterException("not saved: " + key.description() + " is not the key this store is sealed"
                    + " under (after a rekey, save with the new key, or use save(store, file)); " + file.getFileName()
                    + " was not touched");
        }
        write(s, key, file, metadata);
    }

    /** Saves {@code store} under its current key (the one it was opened or last rekeyed with); no key is asked for. */
    public static void save(TensorStore store, Path file, Map<String, String> metadata) throws IOException {
        SealedStore s = StoreBridge.unwrap(store);
        write(s, s.keySource(), file, metadata);
    }

    /** {@code kdfSource} only says whether (and with which Argon2id parameters) the master came from a passphrase. */
    private static void write(SealedStore s, KeySource kdfSource, Path file, Map<String, String> metadata) throws IOException {
        KdfParams kdf = kdfSource instanceof PassphraseKey p ? p.params() : null;
        TsealWriter.write(s.snapshot(), s.source(), s.currentKey(), kdf, metadata, file);
    }

    /** Seals a .safetensors file or a sharded checkpoint's index .json into {@code out}. */
    public static void importSafetensors(Path in, KeySource key, Path out, LongConsumer progressBytes) throws IOException {
        try {
            sealSafetensors(in, key, out, progressBytes);
        } catch (RuntimeException | Error e) {
            throw inputChanged(in, e);
        }
    }

    /**
     * {@code e}, or where it is the JDK's report of a fault in a read of the mapped input (the input was truncated
     * while it was being sealed: reported asynchronously, so it may surface anywhere in the import), an error
     * that says so. Nothing was written: outputs are renamed into place only when complete.
     */
    private static RuntimeException inputChanged(Path in, Throwable e) {
        if (MappedSource.isMappingFault(e)) {
            return new TensorSealException(in.getFileName() + " changed or shrank while it was being sealed: nothing was written");
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        throw (Error) e;
    }

    private static void sealSafetensors(Path in, KeySource key, Path out, LongConsumer progressBytes) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        try (TensorStore store = newStore(key)) {
            if (in.getFileName().toString().endsWith(".json")) {
                metadata.put("source", "sharded");
                try (ShardedCheckpoint c = ShardedCheckpoint.open(in)) {
                    c.index().metadataJson().forEach((k, v) -> metadata.put("index." + k, v));
                    for (SafetensorsFile shard : c.shards()) {
                        String name = shard.path().getFileName().toString();
                        shard.header().metadata().forEach((k, v) -> metadata.put("st." + name + "." + k, v));
                        for (SafetensorsEntry e : shard.header().tensors()) {
                            metadata.put("shard." + e.name(), name);
                        }
                        putAll(store, shard, progressBytes);
                    }
                }
            } else {
                metadata.put("source", "safetensors");
                try (SafetensorsFile f = SafetensorsFile.open(in)) {
                    f.header().metadata().forEach((k, v) -> metadata.put("st." + k, v));
                    putAll(store, f, progressBytes);
                    metadata.put("order", String.join("\n", f.header().tensors().stream().map(SafetensorsEntry::name).toList()));
                }
            }
            save(store, out, metadata);
        }
    }

    private static void putAll(TensorStore store, SafetensorsFile f, LongConsumer progressBytes) throws IOException {
        for (SafetensorsEntry e : f.header().tensors()) {
            // A mapping per tensor, released at once: the source is paged in and sealed chunk by chunk.
            try (Arena arena = Arena.ofShared()) { // shared: the store seals chunks in parallel
                MemorySegment data = e.lengthBytes() == 0 ? MemorySegment.ofArray(new byte[0]) : f.map(e, arena);
                store.put(e.name(), DType.of(e.dtype()), e.shape(), data);
            }
            progressBytes.accept(e.lengthBytes());
        }
    }

    /** Seals an ONNX model: every initializer becomes a tensor, the graph (initializers external) another. */
    public static void importOnnx(Path in, KeySource key, Path out, LongConsumer progressBytes) throws IOException {
        try {
            sealOnnx(in, key, out, progressBytes);
        } catch (RuntimeException | Error e) {
            throw inputChanged(in, e);
        }
    }

    private static void sealOnnx(Path in, KeySource key, Path out, LongConsumer progressBytes) throws IOException {
        try (TensorStore store = newStore(key); Arena arena = Arena.ofShared();
                FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            MemorySegment model = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            SecureMemory.system().excludeFromDumps(model); // plaintext weights: kept out of core dumps
            OnnxModel m = OnnxModel.read(model);
            for (OnnxInitializer i : m.initializers()) {
                store.put(i.name(), DType.of(i.dtype()), i.dims(), i.data());
                progressBytes.accept(i.data().byteSize());
            }
            byte[] graph = m.rewriteExternal();
            store.put(ONNX_GRAPH_TENSOR, DType.U8, new long[] {graph.length}, graph);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("source", "onnx");
            metadata.put("order", String.join("\n", m.initializers().stream().map(OnnxInitializer::name).toList()));
            save(store, out, metadata);
        }
    }

    /**
     * Exports to the source format: a .safetensors file, a sharded checkpoint (out = the index path; shards are
     * written beside it under their original names), or for ONNX-sourced files the .onnx with weights restored.
     */
    public static void export(Path in, KeySource key, Path out, LongConsumer progressBytes) throws IOException {
        export(open(in, key), out, progressBytes);
    }

    /** As {@link #export(Path, KeySource, Path, LongConsumer)} from an opened file or object (closed here). */
    public static void export(Opened o, Path out, LongConsumer progressBytes) throws IOException {
        try (TensorStore store = o.store()) {
            Map<String, String> md = o.header().metadata();
            String source = md.getOrDefault("source", "store");
            switch (source) {
                case "onnx" -> exportOnnx(store, out, progressBytes);
                case "sharded" -> exportSharded(store, md, out, progressBytes);
                default -> exportSafetensors(store, names(store, md), prefixed(md, "st."), out, progressBytes);
            }
        }
    }

    /** Writes the .onnx back with every initializer's plaintext inline, streamed slice by slice from the store. */
    private static void exportOnnx(TensorStore store, Path out, LongConsumer progress) throws IOException {
        byte[] graph;
        try (TensorView v = store.read(ONNX_GRAPH_TENSOR)) {
            graph = v.toByteArray(); // structure only: the importer stored it with no weight bytes
        }
        List<OnnxRestore.Piece> plan = OnnxRestore.plan(MemorySegment.ofArray(graph), name -> store.info(name)
                .orElseThrow(() -> new TensorSealException("the stored graph names initializer '" + name
                        + "', which the file does not hold")).byteSize());
        TsealWriter.atomicWrite(out, ch -> {
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

    static List<String> names(TensorStore store, Map<String, String> md) {
        String order = md.get("order");
        if (order != null) {
            return order.isEmpty() ? List.of() : List.of(order.split("\n", -1));
        }
        return store.list().stream().map(TensorInfo::name).filter(n -> !n.equals(ONNX_GRAPH_TENSOR)).toList();
    }

    private static Map<String, String> prefixed(Map<String, String> md, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        md.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static void exportSharded(TensorStore store, Map<String, String> md, Path indexOut, LongConsumer progress)
            throws IOException {
        Map<String, String> weightMap = new LinkedHashMap<>(prefixed(md, "shard."));
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        weightMap.forEach((t, s) -> byShard.computeIfAbsent(s, x -> new ArrayList<>()).add(t));
        Path dir = indexOut.toAbsolutePath().getParent();
        for (var e : byShard.entrySet()) {
            exportSafetensors(store, e.getValue(), prefixed(md, "st." + e.getKey() + "."), dir.resolve(e.getKey()), progress);
        }
        byte[] index = new ShardIndex(weightMap, prefixed(md, "index.")).encode();
        TsealWriter.atomicWrite(indexOut, ch -> TsealWriter.writeAt(ch, java.nio.ByteBuffer.wrap(index), 0));
    }

    static void exportSafetensors(TensorStore store, List<String> names, Map<String, String> metadata, Path out,
            LongConsumer progress) throws IOException {
        List<SafetensorsWriter.Declared> declared = new ArrayList<>();
        for (String n : names) {
            TensorInfo info = store.info(n).orElseThrow(() -> new TensorSealException("the file has no tensor '" + n + "'"));
            declared.add(new SafetensorsWriter.Declared(n, info.dtype().name(), info.shape()));
        }
        TsealWriter.atomicWrite(out, ch -> {
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
    static void streamTensor(TensorStore store, String name, Sink sink, LongConsumer progress) throws IOException {
        long size = store.info(name).orElseThrow().byteSize();
        for (long at = 0; at < size; at += EXPORT_SLICE_BYTES) {
            long len = Math.min(EXPORT_SLICE_BYTES, size - at);
            try (TensorView v = store.read(name, at, len)) {
                sink.accept(v.segment().asByteBuffer());
            }
            progress.accept(len);
        }
    }

    /**
     * Checks that the bytes between tensors and after the last one are zero, then authenticates every chunk of
     * every tensor, chunk-parallel on all cores, without opening views; the first failure names its tensor and
     * chunk (or the offset of the first modified padding byte).
     */
    public static void verify(Path in, KeySource key, LongConsumer progress) throws IOException {
        verify(TsealReader.open(in, key, Arena.ofAuto()), key, progress);
    }

    /** As {@link #verify(Path, KeySource, LongConsumer)} for the object at {@code uri}. */
    public static void verify(URI uri, KeySource key, RemoteOptions options, LongConsumer progress) {
        verify(RemoteTseal.open(RemoteTseal.storageFor(uri, options), uri, key, options, Arena.ofAuto()), key, progress);
    }

    private static void verify(TsealReader.Opened file, KeySource key, LongConsumer progress) {
        try {
            TsealReader.checkGaps(file, file.source().name());
        } catch (RuntimeException e) {
            file.source().close();
            throw e;
        }
        Opened o = open(file, config(key));
        try (TensorStore store = o.store()) {
            SealedStore s = StoreBridge.unwrap(store);
            for (TsealHeader.Entry e : o.header().tensors()) {
                s.verify(e.info().name(), progress);
            }
        }
    }

    /** Rewrites {@code file} with its data keys wrapped under {@code newKey}; chunk ciphertext is copied unchanged. */
    public static void rekey(Path file, KeySource oldKey, KeySource newKey) throws IOException {
        Opened o = open(file, oldKey);
        try (TensorStore store = o.store()) {
            store.rekey(newKey);
            save(store, file, o.header().metadata()); // under newKey, the store's key now
        }
    }
}
