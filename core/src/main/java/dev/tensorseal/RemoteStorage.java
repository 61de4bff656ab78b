package dev.tensorseal;

import java.io.IOException;
import java.net.URI;

/**
 * A kind of remote storage that sealed files can be opened from. {@code http://} and {@code https://} are built
 * in; others (the {@code tensorseal-remote-s3} module's {@code s3://}) are found with {@link java.util.ServiceLoader}.
 */
public interface RemoteStorage {
    /** True for URIs this storage reads (by scheme). */
    boolean supports(URI uri);

    /**
     * Opens {@code uri} with one ranged request for its first {@code headBytes} bytes, pinning the version that
     * answered it.
     *
     * @throws IOException for a failure worth retrying (as {@link RemoteObject#read})
     * @throws TensorSealException for one that is not: no such object, access denied, a refused URI
     */
    RemoteObject open(URI uri, RemoteOptions options, int headBytes) throws IOException;

    /**
     * Uploads {@code file} to {@code uri} so that it appears whole or not at all (a failed upload leaves nothing
     * visible), reporting bytes sent to {@code progressBytes}; an existing object is replaced only with
     * {@code replace}. Storages that do not take uploads refuse.
     */
    default void upload(java.nio.file.Path file, URI uri, RemoteOptions options, boolean replace,
            java.util.function.LongConsumer progressBytes) throws IOException {
        throw new UnsupportedParameterException(uri.getScheme() + ":// does not take uploads");
    }
}
