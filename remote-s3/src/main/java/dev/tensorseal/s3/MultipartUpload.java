package dev.tensorseal.s3;

import dev.tensorseal.TensorSealException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads a file as an S3 multipart upload: the object appears only when the upload completes, and any failure
 * (the network, the server, the caller's progress callback, an interrupt) aborts the upload, so no part is left
 * stored and nothing half-written is visible under the key.
 */
final class MultipartUpload {
    private final S3Client s3;
    private final S3Location at;
    private final long partBytes;

    MultipartUpload(S3Client s3, S3Location at, long partBytes) {
        this.s3 = s3;
        this.at = at;
        this.partBytes = partBytes;
    }

    void upload(Path file, boolean replace, LongConsumer progressBytes) throws IOException {
        if (!replace && exists()) {
            throw new TensorSealException(at + " already exists (pass --force to replace it)");
        }
        String id;
        try {
            id = s3.createMultipartUpload(b -> b.bucket(at.bucket()).key(at.key())).uploadId();
        } catch (SdkException e) {
            throw new TensorSealException(at + ": the upload could not start: " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            List<CompletedPart> parts = new ArrayList<>();
            long size = ch.size();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(partBytes, Math.max(size, 1)));
            for (long at0 = 0; at0 < size || parts.isEmpty(); at0 += partBytes) {
                int n = (int) Math.min(partBytes, size - at0);
                buffer.clear().limit(n);
                while (buffer.hasRemaining()) {
                    if (ch.read(buffer, at0 + buffer.position()) < 0) {
                        throw new TensorSealException(file.getFileName() + " shrank while it was being uploaded");
                    }
                }
                int number = parts.size() + 1;
                String etag = s3.uploadPart(b -> b.bucket(at.bucket()).key(at.key()).uploadId(id).partNumber(number),
                        RequestBody.fromByteBuffer(buffer.flip())).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                progressBytes.accept(n);
                if (size == 0) {
                    break;
                }
            }
            s3.completeMultipartUpload(b -> b.bucket(at.bucket()).key(at.key()).uploadId(id).multipartUpload(u -> u.parts(parts)));
        } catch (IOException | RuntimeException | Error e) {
            abort(id, e);
            if (e instanceof SdkException s) {
                throw new TensorSealException(at + ": upload failed and was aborted: " + s.getMessage(), s);
            }
            throw e;
        }
    }

    private boolean exists() {
        try {
            s3.headObject(b -> b.bucket(at.bucket()).key(at.key()));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new TensorSealException(at + ": cannot tell whether it exists: HTTP " + e.statusCode(), e);
        }
    }

    private void abort(String id, Throwable cause) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(at.bucket()).key(at.key()).uploadId(id));
        } catch (SdkException e) {
            cause.addSuppressed(e); // the parts stay until a bucket lifecycle rule removes them; the object was never visible
        }
    }
}
