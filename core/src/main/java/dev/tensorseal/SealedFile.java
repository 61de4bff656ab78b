package dev.tensorseal;

import dev.tensorseal.internal.keys.PassphraseKey;
import dev.tensorseal.internal.tseal.TsealExport;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code .tseal} files (FORMAT.md): a store's sealed chunks behind an authenticated header. Opening maps the
 * file and reads only the header (O(header)); tensors decrypt lazily when read, chunks are authenticated then.
 * Writes go to a temporary file that is forced and atomically renamed, so a crash leaves the old file or none.
 *
 * <pre>{@code
 * try (KeySource key = KeySource.file(Path.of("model.key"));
 *      TensorStore store = SealedFile.open(Path.of("model.tseal"), key);
 *      TensorView w = store.read("encoder.weight")) {
 *     MemorySegment plaintext = w.segment();
 * }
 * }</pre>
 */
public final class SealedFile {
    /** The tensor that holds an imported ONNX graph (every initializer marked external, no weight bytes). */
    public static final String ONNX_GRAPH_TENSOR = TsealFiles.ONNX_GRAPH_TENSOR;

    private SealedFile() {}

    /**
     * Opens {@code file} into a store. Wrong key, an edited header byte, or appended/removed bytes fail here
     * with an {@link IntegrityException} that says which; a damaged chunk fails when it is read.
     */
    public static TensorStore open(Path file, KeySource key) throws IOException {
        return TensorStore.over(TsealFiles.open(file, key).store());
    }

    /**
     * Opens {@code file} into a store built from {@code settings}: its key source opens the file, and its
     * engine (see {@link TensorStore.Builder#engine(String)}: the default, {@code vaes} where it runs, keeps every
     * plaintext byte off the Java heap), plaintext budget and parallelism apply to the store. The chunk size is the file's.
     */
    public static TensorStore open(Path file, TensorStore.Builder settings) throws IOException {
        return TensorStore.over(TsealFiles.open(file, settings.config()).store());
    }

    /**
     * As {@link #open(Path, TensorStore.Builder)}, after checking that {@code file} is signed by
     * {@code requiredSigner} ({@code FILE.sig} beside it): an unsigned file, another signer's, or one changed since
     * signing is refused with an {@link IntegrityException} before the key source is asked for anything.
     */
    public static TensorStore open(Path file, TensorStore.Builder settings, Signer requiredSigner) throws IOException {
        // Pinned to the header that was checked: a file renamed over this one, or rewritten in place, after the check
        // is refused (or, held open already, not seen), not opened as if it were the signed one.
        String signedHeader = requiredSigner.verify(file);
        if (signedHeader == null) {
            throw new IntegrityException(file.getFileName() + " is signed, but too short to be a sealed file");
        }
        return TensorStore.over(TsealFiles.open(file, settings.config(),
                java.util.HexFormat.of().parseHex(signedHeader)).store());
    }

    /**
     * Signs {@code file} with the PKCS#8 PEM private key in {@code signingKeyFile} (ECDSA P-256 or P-384), writing
     * {@code FILE.sig} beside it (never replacing one unless {@code replace}). Needs no decryption key.
     *
     * @return the signature's path
     */
    public static Path sign(Path file, Path signingKeyFile, boolean replace) throws IOException {
        return dev.tensorseal.internal.signing.SigningKeyFile.sign(file, signingKeyFile, replace);
    }

    /**
     * Opens the sealed object at {@code uri} into a store built from {@code settings}, with
     * {@link RemoteOptions#defaults()}: {@code https://} (with the JDK's trust store), {@code http://} for loopback
     * hosts, or {@code s3://bucket/key} with tensorseal-remote-s3 on the path. One ranged request reads the header
     * (authenticated as for a local file); reading a tensor fetches only its chunks, several range requests at once,
     * each of the version that was opened (a changed object is an {@link IntegrityException}).
     *
     * <pre>{@code
     * TensorStore store = SealedFile.open(URI.create("https://models.example.com/m.tseal"),
     *         TensorStore.builder().keySource(key));
     * }</pre>
     */
    public static TensorStore open(URI uri, TensorStore.Builder settings) {
        return open(uri, settings, RemoteOptions.defaults());
    }

    /** As {@link #open(URI, TensorStore.Builder)} with {@code options} (concurrency, retries, an expected header digest). */
    public static TensorStore open(URI uri, TensorStore.Builder settings, RemoteOptions options) {
        return TensorStore.over(TsealFiles.open(uri, settings.config(), options).store());
    }

    /**
     * Opens a file sealed under a passphrase (Argon2id parameters and salt come from the header, bounded). The
     * key derived from it is zeroed when the store closes (or at once, if opening fails).
     */
    public static TensorStore open(Path file, char[] passphrase) throws IOException {
        KeySource key = passphraseKeyFor(file, passphrase);
        try {
            return open(file, key).owning(key);
        } catch (IOException | RuntimeException | Error e) {
            key.close();
            throw e;
        }
    }

    /**
     * A key for opening {@code file} from {@code passphrase}, with the Argon2id parameters recorded in it, within
     * {@link KdfLimits#DEFAULTS} (256 MiB, 8 passes).
     */
    public static KeySource passphraseKeyFor(Path file, char[] passphrase) throws IOException {
        return passphraseKeyFor(file, passphrase, KdfLimits.DEFAULTS);
    }

    /**
     * A key for opening {@code file} from {@code passphrase}. The Argon2id cost comes from the file's header, which
     * is not yet authenticated: a cost over {@code limits} throws {@link UnsupportedParameterException} before any
     * work, and one the heap cannot hold throws {@link CapacityException}.
     */
    public static KeySource passphraseKeyFor(Path file, char[] passphrase, KdfLimits limits) throws IOException {
        var kdf = TsealReader.kdfOf(file);
        if (kdf == null) {
            throw new UnsupportedParameterException(file.getFileName() + " was sealed " + (TsealReader.sealedToRecipients(file)
                    ? "to recipients (open it with a recipient's identity)" : "under a key") + ", not a passphrase");
        }
        limits.check(kdf.memoryKiB(), kdf.iterations(), file.getFileName().toString());
        return new PassphraseKey(passphrase, kdf);
    }

    /**
     * The plaintext bytes of every tensor in {@code file} together, from its header read without a key: what a
     * plaintext budget must hold to open all its tensors at once (as a framework loader does). Not authenticated:
     * {@link #open} authenticates the header, and a file replaced in between opens with the budget sized here.
     */
    public static long totalPlaintextBytes(Path file) throws IOException {
        long total = 0;
        for (var e : TsealReader.readUnverified(file).tensors()) {
            total = Math.addExact(total, e.info().byteSize());
        }
        return total;
    }

    /** A fresh passphrase key (random salt, Argon2id 64 MiB / 3 passes) whose parameters a saved file records. */
    public static KeySource newPassphraseKey(char[] passphrase) {
        return PassphraseKey.fresh(passphrase);
    }

    /**
     * Saves {@code store} to {@code file} under {@code key}, which must be the store's current key (the one it was
     * built, opened or last rekeyed with); no plaintext is touched.
     *
     * @throws UnsupportedParameterException when {@code key} is any other key: nothing is written and an existing
     *         {@code file} is left as it was (a file under a key the store does not hold could not be opened)
     */
    public static void save(TensorStore store, KeySource key, Path file) throws IOException {
        TsealFiles.save(store.sealed(), key, file, Map.of("source", "store"));
    }

    /**
     * Saves {@code store} to {@code file} under the key it is sealed under now, which it remembers: no key to get
     * wrong. A store keyed from a passphrase records that passphrase's Argon2id parameters and salt in the file.
     */
    public static void save(TensorStore store, Path file) throws IOException {
        TsealFiles.save(store.sealed(), file, Map.of("source", "store"));
    }

    /** Seals a {@code .safetensors} file, or a sharded checkpoint given its {@code *.index.json}, into {@code out}. */
    public static void importSafetensors(Path in, KeySource key, Path out) throws IOException {
        TsealFiles.importSafetensors(in, key, out, bytes -> { });
    }

    /** Seals an ONNX model: initializers become tensors, the graph is kept (sealed) with its initializers external. */
    public static void importOnnx(Path in, KeySource key, Path out) throws IOException {
        TsealFiles.importOnnx(in, key, out, bytes -> { });
    }

    /**
     * Exports a file sealed from safetensors back to safetensors: same names, dtypes, shapes, bytes and
     * {@code __metadata__}; a sharded source is written as its shards plus {@code out} as the index.
     */
    public static void exportSafetensors(Path in, KeySource key, Path out) throws IOException {
        TsealExport.export(in, key, out, bytes -> { });
    }

    /**
     * Exports to the format the file was sealed from: safetensors (single or sharded, as
     * {@link #exportSafetensors}) or, for an ONNX import, the {@code .onnx} model with every initializer's data
     * restored inline as {@code raw_data}; plaintext is streamed in slices of at most 16 MiB.
     */
    public static void export(Path in, KeySource key, Path out) throws IOException {
        TsealExport.export(in, key, out, bytes -> { });
    }

    /** Authenticates every chunk; throws an {@link IntegrityException} naming the first bad tensor and chunk. */
    public static void verify(Path file, KeySource key) throws IOException {
        TsealFiles.verify(file, key, bytes -> { });
    }

    /** As {@link #verify(Path, KeySource)} for the object at {@code uri}: every chunk fetched once and authenticated. */
    public static void verify(URI uri, KeySource key, RemoteOptions options) {
        TsealFiles.verify(uri, key, options, bytes -> { });
    }

    /**
     * The header digest of {@code file} as 64 hex digits: SHA-256 of its header bytes and MAC (FORMAT.md), what
     * {@code tensorseal inspect} prints and {@link RemoteOptions.Builder#expectHeaderDigest(String)} pins. Read without
     * a key; it names the exact file (another file, an older version or a rekeyed copy has another digest).
     */
    public static String headerDigest(Path file) throws IOException {
        return java.util.HexFormat.of().formatHex(TsealReader.headerDigest(file));
    }

    /**
     * Writes a new recipient identity (a private key of {@code suite}: {@code x25519}, {@code p256} or
     * {@code p384}) to {@code identityFile}, owner-only (0600), never replacing a file, and returns its public key
     * as the one-line text {@link KeySource#recipients} takes.
     */
    public static String newIdentity(Path identityFile, String suite) throws IOException {
        return dev.tensorseal.internal.keys.IdentityFile.generate(dev.tensorseal.internal.keys.HpkeSuite.named(suite),
                identityFile).text();
    }

    /**
     * Rewrites {@code file}'s header for its recipients plus {@code add} minus {@code remove} (public key texts);
     * {@code key} opens it (an identity, or for a file sealed under a key the key). No chunk is re-encrypted. Removing
     * a recipient also rotates the master secret: the new file does not open with the removed identity (a copy of
     * the old file still does; see SECURITY.md).
     */
    public static void changeRecipients(Path file, KeySource key, java.util.List<String> add, java.util.List<String> remove)
            throws IOException {
        TsealFiles.rekeyRecipients(file, key, add.stream().map(dev.tensorseal.internal.keys.RecipientKey::parse).toList(),
                remove.stream().map(dev.tensorseal.internal.keys.RecipientKey::parse).toList(), false);
    }

    /** Re-wraps the data keys under {@code newKey} (header rewrite; chunk ciphertext is copied, not re-sealed). */
    public static void rekey(Path file, KeySource oldKey, KeySource newKey) throws IOException {
        TsealFiles.rekey(file, oldKey, newKey);
    }
}
