package dev.tensorseal.remote;

import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Random;

/**
 * The setup the remote tests share: a {@link SealedModel} sealed under a key made from a seed, held by a real
 * {@link RangeServer} at {@link #PATH}, and on demand a {@link FaultProxy} in front of it.
 */
final class ServedModel implements AutoCloseable {
    static final String PATH = "/models/m.tseal";

    final KeySource key;
    final SealedModel model;
    final RangeServer server;
    private FaultProxy proxy;

    private ServedModel(KeySource key, SealedModel model, RangeServer server) {
        this.key = key;
        this.model = model;
        this.server = server;
    }

    /** Seals a model from {@code modelSeed} under the key from {@code keySeed} and serves it over plain HTTP. */
    static ServedModel http(long keySeed, long modelSeed, Path dir) throws IOException {
        KeySource key = KeySource.bytes(keyBytes(keySeed));
        RangeServer server = RangeServer.http();
        try {
            SealedModel model = SealedModel.make(key, modelSeed, dir);
            server.put(PATH, model.file());
            return new ServedModel(key, model, server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** A 32-byte key from {@code seed} (never all zero). */
    static byte[] keyBytes(long seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        k[0] |= 1;
        return k;
    }

    /** The model straight from the server. */
    URI uri() {
        return server.uri(PATH);
    }

    /** The model through the fault proxy (started on first use). */
    URI proxied() throws IOException {
        return proxy().uri(PATH);
    }

    FaultProxy proxy() throws IOException {
        if (proxy == null) {
            proxy = new FaultProxy(server.uri("/"));
        }
        return proxy;
    }

    /** Store settings with this model's key and two threads (so reads over 1 MiB fan out). */
    TensorStore.Builder settings() {
        return TensorStore.builder().keySource(key).parallelism(2);
    }

    /** Opens {@code uri} (this model, direct or proxied) with {@code options}. */
    TensorStore open(URI uri, RemoteOptions options) {
        return SealedFile.open(uri, settings(), options);
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (proxy != null) {
            proxy.close();
        }
    }
}
