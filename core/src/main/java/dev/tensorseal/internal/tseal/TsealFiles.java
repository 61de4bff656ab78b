package dev.tensorseal.internal.tseal;

import dev.tensorseal.DType;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.keys.DelegatingKeySource;
import dev.tensorseal.internal.keys.LoadedKey;
import dev.tensorseal.internal.keys.PassphraseKey;
import dev.tensorseal.internal.keys.RecipientKey;
import dev.tensorseal.internal.keys.RecipientsKey;
import dev.tensorseal.internal.onnx.OnnxFormatException;
import dev.tensorseal.internal.onnx.OnnxInitializer;
import dev.tensorseal.internal.onnx.OnnxModel;
import dev.tensorseal.internal.remote.RemoteTseal;
import dev.tensorseal.internal.safetensors.SafetensorsEntry;
import dev.tensorseal.internal.safetensors.SafetensorsFile;
import dev.tensorseal.internal.safetensors.ShardedCheckpoint;
import dev.tensorseal.internal.store.MappedSource;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.StoreConfig;
import dev.tensorseal.internal.store.TensorNames;
import dev.tensorseal.nativebridge.SecureMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Model-level operations on .tseal files: open into a store, save a store, import safetensors (single or
 * sharded) and ONNX, verify, rekey ({@link TsealExport} exports back). It works on the internal {@link SealedStore}; {@code SealedFile} wraps what it
 * returns in the public {@code TensorStore}. Metadata keys: {@code source} ({@code safetensors}, {@code sharded},
 * {@code onnx}, {@code store}), {@code st.KEY} (safetensors {@code __metadata__}), {@code index.KEY} (shard index
 * metadata, JSON text), {@code shard.TENSOR} (the shard file a tensor came from).
 */
public final class TsealFiles {
    /** Name of the U8 tensor that holds an imported ONNX graph (initializers external, no weight bytes). */
    public static final String ONNX_GRAPH_TENSOR = "__tensorseal_onnx_graph__";
    /**
     * Prefix of a shard's {@code __metadata__} entry: {@code shardmeta.SHARD/KEY}. A shard name has no {@code /},
     * so the split is unambiguous; files before it wrote {@code st.SHARD.KEY} (read by {@link ShardMetadata}).
     */
    static final String SHARD_METADATA = "shardmeta.";

    private TsealFiles() {}

    /** A store for sealing, with the default settings; its chunks are the file's chunks. */
    public static SealedStore newStore(KeySource key) {
        return SealedStore.create(StoreConfig.defaults(key));
    }

    /** An opened file: its authenticated header, a store over its chunks, and its header digest (SHA-256 of header and MAC). */
    public record Opened(TsealHeader header, SealedStore store, byte[] headerDigest) {}

    /** Opens {@code file} into a store with the default settings; the mapping is released when the store becomes unreachable. */
    public static Opened open(Path file, KeySource key) throws IOException {
        return open(file, StoreConfig.defaults(key));
    }

    /**
     * Opens {@code file} into a store with the settings of {@code config}. Its key source is asked once: the header
     * check and the store both use that one loaded key (a KMS- or attestation-gated source is not asked twice).
     */
    public static Opened open(Path file, StoreConfig config) throws IOException {
        try (LoadedKey once = LoadedKey.of(config.keySource())) {
            return open(TsealReader.open(file, once, Arena.ofAuto(), null), config, once);
        }
    }

    /**
     * As {@link #open(Path, StoreConfig)}, only if the header (and its MAC) read is the one whose SHA-256 is
     * {@code headerDigest} (a signature check's, {@link TsealReader#headerDigest}): checked before the key source
     * is asked, on the one open of the file every later read goes through, so a file put in this one's place
     * after the digest was taken is refused.
     */
    public static Opened open(Path file, StoreConfig config, byte[] headerDigest) throws IOException {
        try (LoadedKey once = LoadedKey.onFirstUse(config.keySource())) {
            return open(TsealReader.open(file, once, Arena.ofAuto(), headerDigest.clone()), config, once);
        }
    }

    /**
     * Opens the object at {@code uri} (https, loopback http, or a scheme a {@link dev.tensorseal.RemoteStorage} on the
     * class path reads) into a store with the settings of {@code config}; its chunks are fetched when read. As for a
     * file, the key source is asked once for the header check and the store, and only after the header digest the
     * options pin (if any) matched.
     */
    public static Opened open(URI uri, StoreConfig config, RemoteOptions options) {
        try (LoadedKey once = LoadedKey.onFirstUse(config.keySource())) {
            return open(RemoteTseal.open(RemoteTseal.storageFor(uri, options), uri, once, options, Arena.ofAuto()), config, once);
        }
    }

    /** As {@link #open(URI, StoreConfig, RemoteOptions)} with the default settings. */
    public static Opened open(URI uri, KeySource key, RemoteOptions options) {
        return open(uri, StoreConfig.defaults(key), options);
    }

    /** Opens an already authenticated file or object into a store whose key is {@code once}, loaded from config's source. */
    private static Opened open(TsealReader.Opened o, StoreConfig config, LoadedKey once) {
        SealedStore s;
        try {
            // An identity's store remembers the recipients it opened (a save writes their entries), not the identity.
            KeySource origin = once.boundOrigin() != null ? once.boundOrigin() : config.keySource();
            s = SealedStore.restore(config.withKeySource(once), o.snapshot(), o.source(), origin);
        } catch (IntegrityException e) {
            throw new IntegrityException(o.source().name() + ": a data key does not unwrap under this key: " + e.getMessage());
        }
        return new Opened(o.header(), s, o.headerDigest());
    }

    /**
     * Saves {@code store} under the key it is sealed under now, after checking that {@code key} is that key: a file
     * written under any other key would open under none, so nothing is written then (the old file stays). The check,
     * the snapshot and the key written come from one hold of the store's lock: a concurrent rekey cannot split them.
     *
     * @throws UnsupportedParameterException when {@code key} is not the store's current key
     */
    public static void save(SealedStore store, KeySource key, Path file, Map<String, String> metadata) throws IOException {
        SealedStore.SaveState state;
        try {
            state = store.saveState(key);
        } catch (UnsupportedParameterException e) {
            throw new UnsupportedParameterException("not saved: " + e.getMessage() + "; " + file.getFileName() + " was not touched");
        }
        write(state, file, metadata, null);
    }

    /** Saves {@code store} under its current key (the one it was opened or last rekeyed with); no key is asked for. */
    public static void save(SealedStore store, Path file, Map<String, String> metadata) throws IOException {
        write(store.saveState(null), file, metadata, null);
    }

    /** Writes {@code state} (and closes it): its snapshot under its master key, recording a passphrase's KDF parameters. */
    private static void write(SealedStore.SaveState state, Path file, Map<String, String> metadata,
            java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions) throws IOException {
        try (state; LoadedKey key = LoadedKey.copyOf(state.master(), "the store's key")) {
            RecipientsKey recipients = recipientsOf(state.origin());
            TsealWriter.write(state.snapshot(), key, kdfOf(state.origin()),
                    recipients == null ? null : recipients.stanzas(state.master(), state.snapshot().storeId()),
                    metadata, file, permissions, state.source());
        }
    }

    /**
     * The Argon2id parameters {@code source}'s key was derived with, looking through the library's own conditional
     * sources (confidential computing, attestation); null for a raw key. A caller's own wrapper around a passphrase
     * key hides them: such a file is saved as sealed under a raw key (it opens with the same wrapper, not by passphrase).
     */
    static KdfParams kdfOf(KeySource source) {
        KeySource k = source;
        while (k instanceof DelegatingKeySource d) {
            k = d.delegate();
        }
        return k instanceof PassphraseKey p ? p.params() : null;
    }

    /** The recipients {@code source}'s key is sealed to (looking through conditional sources), or null. */
    static RecipientsKey recipientsOf(KeySource source) {
        KeySource k = source;
        while (k instanceof DelegatingKeySource d) {
            k = d.delegate();
        }
        return k instanceof RecipientsKey r ? r : null;
    }

    /** Seals a .safetensors file or a sharded checkpoint's index .json into {@code out}. */
    public static void importSafetensors(Path in, KeySource key, Path out, LongConsumer progressBytes) throws IOException {
        importSafetensors(in, key, out, progressBytes, false);
    }

    /**
     * As {@link #importSafetensors(Path, KeySource, Path, LongConsumer)}; {@code followOutsideLinks} lets a shard be
     * a symbolic link to a file outside the index's folder (refused by default).
     */
    public static void importSafetensors(Path in, KeySource key, Path out, LongConsumer progressBytes,
            boolean followOutsideLinks) throws IOException {
        try {
            sealSafetensors(in, key, out, progressBytes, followOutsideLinks);
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

    private static void sealSafetensors(Path in, KeySource key, Path out, LongConsumer progressBytes,
            boolean followOutsideLinks) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        try (SealedStore store = newStore(key)) {
            if (in.getFileName().toString().endsWith(".json")) {
                metadata.put("source", "sharded");
                try (ShardedCheckpoint c = ShardedCheckpoint.open(in, followOutsideLinks)) {
                    c.index().metadataJson().forEach((k, v) -> metadata.put("index." + k, v));
                    for (SafetensorsFile shard : c.shards()) {
                        String name = shard.path().getFileName().toString();
                        shard.header().metadata().forEach((k, v) -> metadata.put(SHARD_METADATA + name + "/" + k, v));
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

    private static void putAll(SealedStore store, SafetensorsFile f, LongConsumer progressBytes) throws IOException {
        for (SafetensorsEntry e : f.header().tensors()) {
            // A mapping per tensor, released at once: the source is paged in and sealed chunk by chunk.
            try (Arena arena = Arena.ofShared()) { // shared: the store seals chunks in parallel
                MemorySegment data = e.lengthBytes() == 0 ? MemorySegment.ofArray(new byte[0]) : f.map(e, arena);
                store.put(TensorInfo.of(e.name(), DType.of(e.dtype()), e.shape()), data);
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
        SafetensorsFile.requireRegular(in);
        try (SealedStore store = newStore(key); Arena arena = Arena.ofShared();
                FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            MemorySegment model = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            SecureMemory.system().excludeFromDumps(model); // plaintext weights: kept out of core dumps
            OnnxModel m = OnnxModel.read(model);
            for (OnnxInitializer i : m.initializers()) {
                if (i.name().equals(ONNX_GRAPH_TENSOR)) {
                    throw new OnnxFormatException("an initializer is named " + ONNX_GRAPH_TENSOR
                            + ", the name tensorseal keeps for the model's graph: rename it to seal the model");
                }
                store.put(TensorInfo.of(i.name(), DType.of(i.dtype()), i.dims()), i.data());
                progressBytes.accept(i.data().byteSize());
            }
            byte[] graph = m.rewriteExternal();
            store.put(TensorInfo.of(ONNX_GRAPH_TENSOR, DType.U8, graph.length), MemorySegment.ofArray(graph));
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("source", "onnx");
            metadata.put("order", String.join("\n", m.initializers().stream().map(OnnxInitializer::name).toList()));
            save(store, out, metadata);
        }
    }

    /**
     * Checks that the bytes between tensors and after the last one are zero, then authenticates every chunk of
     * every tensor, chunk-parallel on all cores, without opening views; the first failure names its tensor and
     * chunk (or the offset of the first modified padding byte).
     */
    public static void verify(Path in, KeySource key, LongConsumer progress) throws IOException {
        try (LoadedKey once = LoadedKey.of(key)) { // asked once for the header and the store
            verify(TsealReader.open(in, once, Arena.ofAuto(), null), key, once, progress);
        }
    }

    /** As {@link #verify(Path, KeySource, LongConsumer)}, pinned to a header as {@link #open(Path, StoreConfig, byte[])} is. */
    public static void verify(Path in, KeySource key, byte[] headerDigest, LongConsumer progress) throws IOException {
        try (LoadedKey once = LoadedKey.onFirstUse(key)) { // asked after the header digest matched
            verify(TsealReader.open(in, once, Arena.ofAuto(), headerDigest.clone()), key, once, progress);
        }
    }

    /** As {@link #verify(Path, KeySource, LongConsumer)} for the object at {@code uri}. */
    public static void verify(URI uri, KeySource key, RemoteOptions options, LongConsumer progress) {
        try (LoadedKey once = LoadedKey.onFirstUse(key)) { // asked once, after the digest check, for the header and the store
            verify(RemoteTseal.open(RemoteTseal.storageFor(uri, options), uri, once, options, Arena.ofAuto()), key, once, progress);
        }
    }

    private static void verify(TsealReader.Opened file, KeySource key, LoadedKey once, LongConsumer progress) {
        try {
            TsealReader.checkGaps(file, file.source().name());
        } catch (RuntimeException e) {
            file.source().close();
            throw e;
        }
        Opened o = open(file, StoreConfig.defaults(key), once);
        try (SealedStore store = o.store()) {
            for (TsealHeader.Entry e : o.header().tensors()) {
                store.verify(e.info().name(), progress);
            }
        }
    }

    /** Rewrites {@code file} with its data keys wrapped under {@code newKey}; chunk ciphertext is copied unchanged. */
    public static void rekey(Path file, KeySource oldKey, KeySource newKey) throws IOException {
        rekey(file, oldKey, newKey, false);
    }

    /**
     * Rewrites the file {@code file} names (through symbolic links) with its data keys wrapped under {@code newKey},
     * keeping its mode. With {@code deep} every tensor is first re-sealed under a fresh data key (chunks decrypted
     * and re-encrypted in memory), so the old data keys no longer open anything in the new file.
     */
    public static void rekey(Path file, KeySource oldKey, KeySource newKey, boolean deep) throws IOException {
        Path real = file.toRealPath(); // a rename over a link would replace the link and leave the file under the old key
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(real);
        Opened o = open(real, oldKey);
        try (SealedStore store = o.store()) {
            if (deep) {
                store.deepRekey();
            }
            store.rekey(java.util.Objects.requireNonNull(newKey, "newKey"));
            // The store's own key (newKey now), its snapshot and the KDF parameters in one hold; the file's mode is kept.
            write(store.saveState(null), real, o.header().metadata(), mode);
        }
    }

    /**
     * Rewrites {@code file} (opened with {@code key}) for its recipients plus {@code add} minus {@code remove}: only
     * the header changes (chunk ciphertext is copied). Adding keeps the master secret; removing rotates it, so the
     * data keys are re-wrapped under a new KEK the removed recipient cannot derive (a file under a key or passphrase
     * becomes one sealed to {@code add}). Returns the recipients of the new file.
     */
    public static List<RecipientKey> rekeyRecipients(Path file, KeySource key, List<RecipientKey> add, List<RecipientKey> remove,
            boolean deep) throws IOException {
        Path real = file.toRealPath();
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(real);
        Opened o = open(real, key);
        try (SealedStore s = o.store()) {
            RecipientsKey current = recipientsOf(s.keySource());
            if (current == null && !remove.isEmpty()) {
                throw new UnsupportedParameterException(file.getFileName() + " is not sealed to recipients: nothing to remove");
            }
            RecipientsKey next;
            try (SealedStore.SaveState now = s.saveState(null)) { // the store's own copy of the master secret
                next = current == null ? RecipientsKey.fresh(add) : current.changed(add, remove, now.master());
            }
            try (next) {
                if (deep) {
                    s.deepRekey();
                }
                s.rekey(next);
                write(s.saveState(null), real, o.header().metadata(), mode);
                return next.recipients();
            }
        }
    }

    /** {@code s} quoted, with control characters escaped: names from a file never reach a terminal raw. */
    static String printable(String s) {
        return "'" + TensorNames.printable(s).replace("'", "\\u0027") + "'";
    }
}
