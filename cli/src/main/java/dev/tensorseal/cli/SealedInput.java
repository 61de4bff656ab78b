package dev.tensorseal.cli;

import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.internal.remote.RemoteTseal;
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
 * {@code --concurrency N} and {@code --allow-http}.
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
    private final TsealHeader unverified;
    private final byte[] digest;

    private SealedInput(Path path, URI uri, RemoteOptions options, TsealHeader unverified, byte[] digest) {
        this.path = path;
        this.uri = uri;
        this.options = options;
        this.unverified = unverified;
        this.digest = digest;
    }

    /** The input named by {@code arg}; a remote one has its header fetched (once more when opened with a key). */
    static SealedInput of(String arg, Args a) throws IOException {
        if (!arg.contains("://")) {
            if (a.value("--expect-digest").isPresent() || a.value("--concurrency").isPresent() || a.flag("--allow-http")) {
                throw new UsageException("--expect-digest, --concurrency and --allow-http apply to URI inputs only");
            }
            Path p = Paths.input(arg);
            return new SealedInput(p, null, null, TsealReader.readUnverified(p), TsealReader.headerDigest(p));
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
        RemoteOptions options = b.build();
        RemoteTseal.Unverified u = RemoteTseal.readUnverified(RemoteTseal.storageFor(uri, options), uri, options);
        return new SealedInput(null, uri, options, u.header(), u.headerDigest());
    }

    /** The header as read, not authenticated. */
    TsealHeader unverified() {
        return unverified;
    }

    /** SHA-256 of the header bytes and MAC, hex. */
    String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    /** What to call the input in output. */
    String name() {
        return path != null ? path.toString() : uri.toString();
    }

    KeySource key(Args a, PrintStream err) throws IOException {
        return path != null ? KeyOptions.forExisting(a, path, err) : KeyOptions.forExisting(a, unverified.kdf(), name(), err);
    }

    /** Opens with {@code key}: the header authenticated, a store over its chunks. */
    TsealFiles.Opened open(KeySource key) throws IOException {
        return path != null ? TsealFiles.open(path, key) : TsealFiles.open(uri, TsealFiles.config(key), options);
    }

    void verify(KeySource key, LongConsumer progress) throws IOException {
        if (path != null) {
            TsealFiles.verify(path, key, progress);
        } else {
            TsealFiles.verify(uri, key, options, progress);
        }
    }

    void export(KeySource key, Path out, LongConsumer progress) throws IOException {
        TsealFiles.export(open(key), out, progress);
    }
}
