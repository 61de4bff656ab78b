package dev.tensorseal.internal.remote;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.RemoteObject;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.TensorSealException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP(S) object read with {@code Range} requests, pinned by the ETag of the response that opened it and
 * sent as {@code If-Match} on every read: a server holding another version answers 412 (or a different ETag),
 * which is an {@link IntegrityException}, never a mix of two versions. Every response is checked for status 206,
 * the exact {@code Content-Range} asked for, and the exact length; a request that receives nothing for the idle
 * timeout is abandoned. Failures worth retrying are {@link IOException}s (the caller retries).
 */
final class HttpRangeObject implements RemoteObject {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private final HttpClient client;
    private final URI uri;
    private final String name;
    private final Duration idle;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private long size;
    private String etag;
    private byte[] head;

    private HttpRangeObject(HttpClient client, URI uri, RemoteOptions options) {
        this.client = client;
        this.uri = uri;
        this.name = nameOf(uri);
        this.idle = options.idleTimeout();
    }

    /** {@code uri} without user info, query or fragment: what messages may show. */
    static String nameOf(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Opens {@code uri} with one request for its first {@code headBytes} bytes; the response's ETag pins it. */
    static HttpRangeObject open(HttpClient client, URI uri, RemoteOptions options, int headBytes) throws IOException {
        HttpRangeObject o = new HttpRangeObject(client, uri, options);
        try {
            o.fetchHead(headBytes);
            return o;
        } catch (IOException | RuntimeException | Error e) {
            o.close();
            throw e;
        }
    }

    private void fetchHead(int headBytes) throws IOException {
        byte[][] buffer = new byte[1][];
        long[] total = new long[1];
        HttpResponse<Long> r = send(0, headBytes, null, info -> {
            Matcher m = info.statusCode() == 206 ? contentRange(info) : null;
            if (m == null || Long.parseLong(m.group(1)) != 0) {
                return null;
            }
            total[0] = Long.parseLong(m.group(3));
            buffer[0] = new byte[(int) Math.min(headBytes, total[0])];
            return MemorySegment.ofArray(buffer[0]);
        });
        status(r, 0, headBytes);
        if (buffer[0] == null) {
            throw new IOException(name + ": Content-Range " + r.headers().firstValue("Content-Range").orElse("(none)")
                    + " does not start at byte 0 of the object");
        }
        String tag = r.headers().firstValue("ETag").orElse(null);
        if (tag == null || tag.startsWith("W/")) {
            throw new TensorSealException(name + ": the server sent no strong ETag, so the object cannot be pinned to"
                    + " one version while it is read");
        }
        checkRange(r, 0, buffer[0].length, total[0]);
        size = total[0];
        etag = tag;
        head = buffer[0];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public String version() {
        return etag;
    }

    @Override
    public byte[] head() {
        return head.clone();
    }

    @Override
    public void read(long offset, MemorySegment target) throws IOException {
        long bytes = target.byteSize();
        HttpResponse<Long> r = send(offset, bytes, etag, info -> {
            Matcher m = info.statusCode() == 206 ? contentRange(info) : null;
            boolean exact = m != null && Long.parseLong(m.group(1)) == offset && Long.parseLong(m.group(2)) == offset + bytes - 1;
            return exact ? target : null;
        });
        status(r, offset, bytes);
        String tag = r.headers().firstValue("ETag").orElse(etag);
        if (!tag.equals(etag)) {
            throw changed("it answered with ETag " + tag);
        }
        checkRange(r, offset, bytes, size);
    }

    /**
     * One GET of {@code bytes} from {@code offset}; {@code target} picks the buffer for the body from the status and
     * headers (null: discard it). Waits while bytes keep arriving; gives up after the idle timeout with none.
     */
    private HttpResponse<Long> send(long offset, long bytes, String ifMatch,
            java.util.function.Function<HttpResponse.ResponseInfo, MemorySegment> target) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(idle)
                .header("Range", "bytes=" + offset + "-" + (offset + bytes - 1));
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        Attempt attempt = new Attempt();
        HttpResponse.BodyHandler<Long> handler = info -> {
            MemorySegment t = target.apply(info);
            synchronized (attempt) {
                // A response to a request already given up on is discarded: a retry may be filling the target.
                attempt.body = new RangeBody(t == null || attempt.gaveUp ? MemorySegment.NULL : t);
                return attempt.body;
            }
        };
        if (closed) {
            throw new InterruptedIOException(name + ": closed");
        }
        CompletableFuture<HttpResponse<Long>> f = client.sendAsync(b.build(), handler);
        inFlight.add(f);
        try {
            return await(f, attempt, offset, bytes);
        } finally {
            inFlight.remove(f);
        }
    }

    /** The body of one request, once its headers arrived; {@code gaveUp} once the caller stopped waiting for it. */
    private static final class Attempt {
        RangeBody body;
        boolean gaveUp;

        synchronized long received() {
            return body == null ? 0 : body.received();
        }
    }

    private HttpResponse<Long> await(CompletableFuture<HttpResponse<Long>> f, Attempt attempt, long offset, long bytes)
            throws IOException {
        long seen = 0;
        try {
            while (true) {
                try {
                    return f.get(idle.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    long now = attempt.received();
                    if (now == seen) {
                        throw stalled(offset, bytes);
                    }
                    seen = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + ": interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (closed || c instanceof java.util.concurrent.CancellationException) {
                throw new InterruptedIOException(name + ": closed"); // close() cancelled it (the client reports either way)
            }
            if (c instanceof HttpTimeoutException && !(c instanceof java.net.http.HttpConnectTimeoutException)) {
                // The request's own timeout (no response headers within the idle time) races the wait above on a
                // loaded machine: both mean the same, so both say the same.
                throw stalled(offset, bytes);
            }
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r; // a bug or a refusal, not the network: retrying would only repeat it
            }
            throw new IOException(name + ": " + c, c);
        } catch (java.util.concurrent.CancellationException e) {
            throw new InterruptedIOException(name + ": closed");
        } finally {
            boolean failed = !f.isDone() || f.isCompletedExceptionally();
            if (failed) {
                f.cancel(true);
                RangeBody b;
                synchronized (attempt) {
                    attempt.gaveUp = true;
                    b = attempt.body;
                }
                if (b != null) {
                    b.abandon(); // returns only once no write into the target is under way or can follow
                }
            }
        }
    }

    private HttpTimeoutException stalled(long offset, long bytes) {
        return new HttpTimeoutException(name + ": nothing arrived for " + idle.toMillis() + " ms (bytes " + offset + ".."
                + (offset + bytes) + "): the server stalled");
    }

    /** Fails on any status but 206: 412 (the object changed) for good, others worth a retry or not. */
    private void status(HttpResponse<Long> r, long offset, long bytes) throws IOException {
        int s = r.statusCode();
        String range = "bytes " + offset + ".." + (offset + bytes);
        if (s == 206) {
            return;
        }
        if (s == 412) {
            throw changed("If-Match " + etag + " failed (412)");
        }
        if (s == 200) {
            throw new IOException(name + ": answered 200 with the whole object instead of 206 for " + range
                    + ": the server (or a proxy) ignored the Range request");
        }
        if (s >= 500 || s == 408 || s == 429) {
            throw new IOException(name + ": HTTP " + s + " for " + range);
        }
        throw new TensorSealException(name + ": HTTP " + s + " for " + range
                + (s == 404 ? " (no such object)" : s == 401 || s == 403 ? " (access denied)" : ""));
    }

    /** Checks the response is exactly bytes {@code offset..offset+bytes} of a {@code total}-byte object. */
    private void checkRange(HttpResponse<Long> r, long offset, long bytes, long total) throws IOException {
        Matcher m = contentRange(r.headers());
        if (m == null || Long.parseLong(m.group(1)) != offset || Long.parseLong(m.group(2)) != offset + bytes - 1
                || Long.parseLong(m.group(3)) != total) {
            throw new IOException(name + ": Content-Range " + r.headers().firstValue("Content-Range").orElse("(none)")
                    + " is not bytes " + offset + "-" + (offset + bytes - 1) + "/" + total);
        }
        long got = r.body();
        if (got != bytes) {
            throw new IOException(name + ": the range response for bytes " + offset + ".." + (offset + bytes) + " was " + got
                    + " bytes, not " + bytes + (got < bytes ? " (cut short)" : " (too long)"));
        }
    }

    private IntegrityException changed(String why) {
        return new IntegrityException(name + " changed since it was opened (" + why + "): not mixing two versions;"
                + " reopen it");
    }

    private static Matcher contentRange(HttpResponse.ResponseInfo info) {
        return contentRange(info.headers());
    }

    private static Matcher contentRange(java.net.http.HttpHeaders headers) {
        String v = headers.firstValue("Content-Range").orElse(null);
        if (v == null) {
            return null;
        }
        Matcher m = CONTENT_RANGE.matcher(v.trim());
        return m.matches() ? m : null;
    }

    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<?> f : inFlight) {
            f.cancel(true);
        }
        client.shutdownNow();
    }
}
