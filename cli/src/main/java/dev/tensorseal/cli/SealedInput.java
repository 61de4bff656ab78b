package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.internal.remote.RemoteTseal;
import dev.tensorseal.internal.store.StoreConfig;
import dev.tensorseal.internal.tseal.TsealFiles;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The .tseal a command reads: a local file, or an object by URI ({@code https://}, loopback {@code http://},
 * {@code s3://} with tensorseal-remote-s3), with the remote options {@code --expect-digest HEX},
 * {@code --concurrency N} and {@code --allow-http}. Nothing of the header is decoded here beyond what choosing the
 * key needs (its fixed prefix): commands with a key use the header {@link #open} authenticated.
 */
final class SealedInput {
    /** Value options for remote inputs. */
    static final Set<String> OPTIONS = Set.of("--expect-digest", "--concurrency");
    /** Flag options for remote inputs. */
    static final Set<String> FLAGS = Set.of("--allow-http");
    static final String HELP = "IN may be a URI: https://host/path, http://localhost..., or s3://bucket/key (with\n"
            + "tensorseal-remote-s3); --expect-digest HEX refuses any other file (the digest inspect prints), before the key\n"
            + "is used; --concurrency N range requests in flight (default 8); --allow-http permits plain http to other hosts.";

    private final Path path;
    private final URI uri;
    private final RemoteOptions options;

    private SealedInput(Path path, URI uri, RemoteOptions options) {
        this.path = path;
        this.uri = uri;
        this.options = options;
    }

    /** The input named by {@code arg} (a local file must exist and be a regular file; a URI is not yet fetched). */
    static SealedInput of(String arg, Args a) throws IOException {
        if (!arg.contains("://")) {
            if (a.value("--expect-digest").isPresent() || a.value("--concurrency").isPresent() || a.flag("--allow-http")) {
                throw new UsageException("--expect-digest, --concurrency and --allow-http apply to URI inputs only");
            }
            return new SealedInput(Paths.input(arg), null, null);
        }
        URI uri;
        try {
            uri = new URI(arg);
        } catch (URISyntaxException e) {
            throw new UsageException("not a valid URI: " + e.getMessage());
        }
        RemoteOptions.Builder b = RemoteOptions.builder().allowPlainHttp(a.flag("--allow-http"));
        a.value("--expect-digest").ifPresent(b::expectHeaderDigest);
        if (a.value("--concurrency").isPresent()) {
            try {
                b.concurrency(Integer.parseInt(a.value("--concurrency").orElseThrow()));
            } catch (NumberFormatException e) {
                throw new UsageException("--concurrency takes a whole number, not " + a.value("--concurrency").orElseThrow());
            }
        }
        return new SealedInput(null, uri, b.build());
    }

    /** The header as read, not authenticated (for inspect without a key), and its digest in hex. */
    Unverified unverified() throws IOException {
        if (path != null) {
            return new Unverified(TsealReader.readUnverified(path), HexFormat.of().formatHex(TsealReader.headerDigest(path)));
        }
        RemoteTseal.Unverified u = RemoteTseal.readUnverified(RemoteTseal.storageFor(uri, options), uri, options);
        return new Unverified(u.header(), HexFormat.of().formatHex(u.headerDigest()));
    }

    /** An unauthenticated header and the hex SHA-256 of its bytes and MAC. */
    record Unverified(TsealHeader header, String digestHex) {}

    /** The local file, or null for a URI. */
    Path localPath() {
        return path;
    }

    /** What to call the input in output. */
    String name() {
        return path != null ? path.toString() : uri.toString();
    }

    /** The key that opens the input (a passphrase's Argon2id parameters from the header's prefix, within the limits). */
    KeySource key(Args a, PrintStream err) throws IOException {
        if (path != null) {
            return KeyOptions.forExisting(a, path, err);
        }
        return KeyOptions.forExisting(a, () -> RemoteTseal.kdfOf(RemoteTseal.storageFor(uri, options), uri, options), name(), err);
    }

    /** Opens with {@code key}: the header authenticated, a store over its chunks. */
    TsealFiles.Opened open(KeySource key) throws IOException {
        return path != null ? TsealFiles.open(path, key) : TsealFiles.open(uri, key, options);
    }

    /**
     * As {@link #open(KeySource)}; for a local file with a non-null {@code signedHeader} (hex, what a signature check
     * returned), only the header that was checked: a file put in its place since is refused.
     */
    TsealFiles.Opened open(KeySource key, String signedHeader) throws IOException {
        if (path != null && signedHeader != null) {
            return TsealFiles.open(path, StoreConfig.defaults(key), HexFormat.of().parseHex(signedHeader));
        }
        return open(key);
    }

    void verify(KeySource key, LongConsumer progress) throws IOException {
        verify(key, null, progress);
    }

    /** As {@link #verify(KeySource, LongConsumer)}, pinned to {@code signedHeader} as {@link #open(KeySource, String)} is. */
    void verify(KeySource key, String signedHeader, LongConsumer progress) throws IOException {
        if (path != null && signedHeader != null) {
            TsealFiles.verify(path, key, HexFormat.of().parseHex(signedHeader), progress);
        } else if (path != null) {
            TsealFiles.verify(path, key, progress);
        } else {
            TsealFiles.verify(uri, key, options, progress);
        }
    }
}
