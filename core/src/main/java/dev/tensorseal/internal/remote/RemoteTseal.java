package dev.tensorseal.internal.remote;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteObject;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.RemoteStorage;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.store.AnonymousMemory;
import dev.tensorseal.internal.tseal.KdfParams;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.ServiceLoader;

/**
 * Opens a .tseal object by URI: one ranged request for the header (a second only for a header larger than
 * {@link #HEAD_BYTES}), the header digest checked against the caller's before the key is used, then the header
 * authenticated as for a local file; the chunks are slices of an address reservation the size of the object,
 * read through a {@link RemoteSource}.
 */
public final class RemoteTseal {
    /** What the opening request asks for: the header of a model of a few thousand tensors. */
    public static final int HEAD_BYTES = 1 << 20;

    private RemoteTseal() {}

    /** The storage for {@code uri}: built-in HTTP(S), or one found by {@link ServiceLoader} (s3:// from tensorseal-remote-s3). */
    public static RemoteStorage storageFor(URI uri, RemoteOptions options) {
        if (options.storage().isPresent()) {
            return options.storage().get();
        }
        HttpStorage http = new HttpStorage();
        if (http.supports(uri)) {
            return http;
        }
        for (RemoteStorage s : ServiceLoader.load(RemoteStorage.class)) {
            if (s.supports(uri)) {
                return s;
            }
        }
        throw new UnsupportedParameterException("no storage reads " + uri.getScheme() + ":// URIs (https and http are built in;"
                + " s3 needs tensorseal-remote-s3 on the class or module path)");
    }

    /** The header of {@code uri} read without a key: for {@code inspect}; nothing in it is authenticated. */
    public record Unverified(TsealHeader header, byte[] headerDigest, long sizeBytes) {}

    /** Reads the header of {@code uri} without authenticating it. */
    public static Unverified readUnverified(RemoteStorage storage, URI uri, RemoteOptions options) {
        try (Fetched f = fetch(storage, uri, options)) {
            return new Unverified(TsealHeader.decode(f.region(), f.source.name()), f.digest(), f.sizeBytes());
        }
    }

    /**
     * The key-derivation parameters in the (unauthenticated) header of {@code uri}, or null when sealed under a raw
     * key; only the fixed prefix is decoded, so an edited header is still the open's authentication failure.
     */
    public static KdfParams kdfOf(RemoteStorage storage, URI uri, RemoteOptions options) {
        try (Fetched f = fetch(storage, uri, options)) {
            return TsealReader.kdfOf(f.region(), f.source.name());
        }
    }

    /** Opens {@code uri}: authenticated header, chunks as slices of a reservation in {@code arena}, their source. */
    public static TsealReader.Opened open(RemoteStorage storage, URI uri, KeySource key, RemoteOptions options, Arena arena) {
        Fetched f = fetch(storage, uri, options);
        try {
            String name = f.source.name();
            byte[] digest = f.digest();
            byte[] expected = options.expectedHeaderDigest().orElse(null);
            if (expected != null && !MessageDigest.isEqual(expected, digest)) {
                throw new IntegrityException(name + ": header digest " + HexFormat.of().formatHex(digest) + " is not the expected "
                        + HexFormat.of().formatHex(expected) + ": another file, or an older or rekeyed version of it");
            }
            TsealHeader header = TsealReader.authenticate(f.region(), f.mac(), f.sizeBytes(), name, key);
            MemorySegment reserved = AnonymousMemory.reserve(arena, f.sizeBytes());
            java.util.Map<String, long[]> extents = new java.util.HashMap<>();
            for (var e : header.tensors()) {
                extents.put(e.info().name(), new long[] {e.dataOffsetBytes(), e.endBytes(), e.strideBytes()});
            }
            RemoteSource source = f.source.over(reserved, extents);
            return new TsealReader.Opened(header, TsealReader.snapshot(header, f.headerBytes, reserved, name), reserved, source,
                    digest);
        } catch (RuntimeException | Error e) {
            f.close();
            throw e;
        }
    }

    /** The header bytes and MAC of an opened object, and its source (closed with this unless handed on). */
    private record Fetched(RemoteSource source, long sizeBytes, byte[] bytes, int headerBytes) implements AutoCloseable {
        ByteBuffer region() {
            return ByteBuffer.wrap(bytes, 0, headerBytes).slice();
        }

        byte[] mac() {
            return Arrays.copyOfRange(bytes, headerBytes, headerBytes + TsealHeader.MAC_BYTES);
        }

        byte[] digest() {
            return TsealReader.headerDigest(region(), mac());
        }

        @Override
        public void close() {
            source.close();
        }
    }

    private static Fetched fetch(RemoteStorage storage, URI uri, RemoteOptions options) {
        RemoteObject object = new Retrier(options, () -> false).call(HttpRangeObject.nameOf(uri) + ": opening",
                () -> storage.open(uri, options, HEAD_BYTES));
        RemoteSource source = new RemoteSource(object, null, options);
        try {
            byte[] head = object.head();
            int headerBytes = TsealReader.headerBytes(ByteBuffer.wrap(head), object.sizeBytes(), object.name());
            int needed = headerBytes + TsealHeader.MAC_BYTES;
            byte[] bytes = head.length >= needed ? head : Arrays.copyOf(head, needed);
            if (head.length < needed) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment rest = a.allocate(needed - head.length);
                    source.read(head.length, rest.byteSize(), rest, 0, null, -1);
                    MemorySegment.copy(rest, 0, MemorySegment.ofArray(bytes), head.length, rest.byteSize());
                }
            }
            return new Fetched(source, object.sizeBytes(), bytes, headerBytes);
        } catch (RuntimeException | Error e) {
            source.close();
            throw e;
        }
    }
}
