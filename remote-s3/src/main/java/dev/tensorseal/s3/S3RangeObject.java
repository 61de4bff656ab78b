package dev.tensorseal.s3;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.RemoteObject;
import dev.tensorseal.TensorSealException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 object read with ranged GETs, pinned by the ETag (and version id, on a versioned bucket) of the GET that
 * opened it: every read sends {@code If-Match} (and the version id), so another version is a 412, an
 * {@link IntegrityException}. Responses are checked for the exact Content-Range and length.
 */
final class S3RangeObject implements RemoteObject {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private final S3Client s3;
    private final S3Location at;
    private final Set<ResponseInputStream<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private long size;
    private String etag;
    private String versionId;
    private byte[] head;

    private S3RangeObject(S3Client s3, S3Location at) {
        this.s3 = s3;
        this.at = at;
    }

    static S3RangeObject open(S3Client s3, S3Location at, int headBytes) throws IOException {
        S3RangeObject o = new S3RangeObject(s3, at);
        o.fetchHead(headBytes);
        return o;
    }

    private void fetchHead(int headBytes) throws IOException {
        GetObjectRequest req = GetObjectRequest.builder().bucket(at.bucket()).key(at.key()).range("bytes=0-" + (headBytes - 1)).build();
        try (ResponseInputStream<GetObjectResponse> in = get(req, 0, headBytes)) {
            GetObjectResponse r = in.response();
            Matcher m = contentRange(r, 0);
            long total = Long.parseLong(m.group(3));
            byte[] bytes = new byte[(int) Math.min(headBytes, total)];
            checkRange(m, 0, bytes.length, total, r);
            if (r.eTag() == null || r.eTag().startsWith("W/")) {
                throw new TensorSealException(at + ": no strong ETag in the response, so the object cannot be pinned");
            }
            fill(in, MemorySegment.ofArray(bytes), 0);
            size = total;
            etag = r.eTag();
            versionId = r.versionId();
            head = bytes;
        }
    }

    @Override
    public String name() {
        return at.toString();
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public String version() {
        return versionId != null ? versionId : etag;
    }

    @Override
    public byte[] head() {
        return head.clone();
    }

    @Override
    public void read(long offset, MemorySegment target) throws IOException {
        long bytes = target.byteSize();
        GetObjectRequest.Builder b = GetObjectRequest.builder().bucket(at.bucket()).key(at.key())
                .range("bytes=" + offset + "-" + (offset + bytes - 1)).ifMatch(etag);
        if (versionId != null) {
            b.versionId(versionId);
        }
        try (ResponseInputStream<GetObjectResponse> in = get(b.build(), offset, bytes)) {
            GetObjectResponse r = in.response();
            if (r.eTag() != null && !r.eTag().equals(etag)) {
                throw changed("it answered with ETag " + r.eTag());
            }
            checkRange(contentRange(r, offset), offset, bytes, size, r);
            fill(in, target, offset);
        }
    }

    /** One GET; S3's answers become a retryable IOException, an IntegrityException (412), or a clear refusal. */
    private ResponseInputStream<GetObjectResponse> get(GetObjectRequest req, long offset, long bytes) throws IOException {
        if (closed) {
            throw new InterruptedIOException(at + ": closed");
        }
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(req);
            inFlight.add(in);
            return in;
        } catch (S3Exception e) {
            int s = e.statusCode();
            String range = "bytes " + offset + ".." + (offset + bytes);
            String code = e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
            if (s == 412) {
                throw changed("If-Match " + etag + " failed (412)");
            }
            if (s >= 500 || s == 429 || s == 408) {
                throw new IOException(at + ": HTTP " + s + code + " for " + range, e);
            }
            throw new TensorSealException(at + ": HTTP " + s + code + " for " + range
                    + (s == 404 ? " (no such bucket or key)" : s == 403 ? " (access denied)" : ""));
        } catch (AbortedException e) {
            throw new InterruptedIOException(at + ": " + (closed ? "closed" : "interrupted"));
        } catch (SdkClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException(at + ": interrupted");
            }
            throw new IOException(at + ": " + e.getMessage(), e);
        }
    }

    /** Reads exactly {@code target.byteSize()} bytes from {@code in}; fewer or more is a retryable IOException. */
    private void fill(ResponseInputStream<GetObjectResponse> in, MemorySegment target, long offset) throws IOException {
        long bytes = target.byteSize();
        byte[] buffer = new byte[(int) Math.min(bytes + 1, 256 << 10)];
        long got = 0;
        try {
            while (true) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes + 1 - got));
                if (n < 0) {
                    break;
                }
                if (got + n > bytes) {
                    throw new IOException(at + ": the range response for bytes " + offset + ".." + (offset + bytes)
                            + " is longer than " + bytes + " bytes (too long)");
                }
                MemorySegment.copy(MemorySegment.ofArray(buffer), 0, target, got, n);
                got += n;
            }
        } catch (AbortedException e) {
            throw new InterruptedIOException(at + ": " + (closed ? "closed" : "interrupted"));
        } finally {
            inFlight.remove(in);
        }
        if (got != bytes) {
            throw new IOException(at + ": the range response for bytes " + offset + ".." + (offset + bytes) + " was " + got
                    + " bytes, not " + bytes + " (cut short)");
        }
    }

    private Matcher contentRange(GetObjectResponse r, long offset) throws IOException {
        Matcher m = r.contentRange() == null ? null : CONTENT_RANGE.matcher(r.contentRange().trim());
        if (m == null || !m.matches()) {
            throw new IOException(at + ": no Content-Range in the answer for bytes from " + offset
                    + " (the server ignored the Range request)");
        }
        return m;
    }

    private void checkRange(Matcher m, long offset, long bytes, long total, GetObjectResponse r) throws IOException {
        if (Long.parseLong(m.group(1)) != offset || Long.parseLong(m.group(2)) != offset + bytes - 1
                || Long.parseLong(m.group(3)) != total
                || (r.contentLength() != null && r.contentLength() != bytes)) {
            throw new IOException(at + ": Content-Range " + r.contentRange() + " (" + r.contentLength() + " bytes) is not bytes "
                    + offset + "-" + (offset + bytes - 1) + "/" + total);
        }
    }

    private IntegrityException changed(String why) {
        return new IntegrityException(at + " changed since it was opened (" + why + "): not mixing two versions; reopen it");
    }

    @Override
    public void close() {
        closed = true;
        for (ResponseInputStream<?> in : inFlight) {
            in.abort();
        }
    }
}
