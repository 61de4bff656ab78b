package dev.tensorseal.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.ReadAhead;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The done-when at full size: a 1 GiB model (sixteen 64 MiB tensors) sealed, uploaded with multipart to a
 * local S3 server (s3proxy on its filesystem blob store, so the object is on disk, not in this JVM's heap), opened
 * and read back byte-identical under a {@link ReadAhead}, and a single tensor's read seen in the ranges the client
 * sent: its chunks, each byte once, nothing else. The plaintext is never written: each tensor's bytes are a
 * function of its index, generated again for the comparison. The sealed local file is deleted once uploaded.
 */
class S3LargeModelTest {
    private static final String ID = "tensorseal-large";
    private static final String SECRET = "tensorseal-large-secret";
    private static final int TENSORS = 16;
    private static final long TENSOR_BYTES = 64L << 20;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    @TempDir
    Path dir;

    private final KeySource key = KeySource.bytes(new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    /** Tensor {@code i}'s plaintext: a long per 8 bytes, a function of the tensor and the position. */
    private static void fill(MemorySegment s, int i) {
        for (long at = 0; at < s.byteSize(); at += 8) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, at, (at * 0x9E3779B97F4A7C15L) ^ ((long) i << 56) ^ at);
        }
    }

    private static String name(int i) {
        return String.format("layer.%02d", i);
    }

    @Test
    void aOneGibModelOnS3ReadsBackByteIdenticalAndOneTensorFetchesOnlyItsChunks() throws Exception {
        Path blobs = Files.createDirectory(dir.resolve("blobs"));
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", blobs.toString());
        BlobStoreContext ctx = ContextBuilder.newBuilder("filesystem").credentials(ID, SECRET).overrides(p).build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(ctx.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ID, SECRET).build();
        proxy.start();
        List<String> ranges = new CopyOnWriteArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            for (int i = 0; i < 6000 && !"STARTED".equals(proxy.getState()); i++) { // hang guard: 60 s
                Thread.sleep(10);
            }
            assertEquals("STARTED", proxy.getState(), "s3proxy started");
            URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            ctx.getBlobStore().createContainerInLocation(null, "models");
            MemorySegment buffer = arena.allocate(TENSOR_BYTES, 64);

            Path file = dir.resolve("large.tseal");
            try (TensorStore store = TensorStore.builder().keySource(key).build()) {
                for (int i = 0; i < TENSORS; i++) {
                    fill(buffer, i);
                    store.put(name(i), DType.U8, new long[] {TENSOR_BYTES}, buffer);
                }
                SealedFile.save(store, key, file);
            }
            TsealHeader header = TsealReader.readUnverified(file);
            URI uri = URI.create("s3://models/large/m.tseal");
            S3Storage.builder().client(client(endpoint, ranges)).partBytes(64L << 20).build()
                    .upload(file, uri, RemoteOptions.defaults(), false, b -> { });
            Files.delete(file);
            ranges.clear();

            RemoteOptions options = RemoteOptions.builder().storage(S3Storage.builder().client(client(endpoint, ranges)).build()).build();
            MemorySegment expected = buffer;
            try (TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(key), options);
                    ReadAhead ahead = ReadAhead.all(store)) {
                assertEquals(TENSORS, ahead.order().size());
                for (String n : ahead.order()) {
                    fill(expected, Integer.parseInt(n.substring("layer.".length())));
                    try (TensorView v = store.read(n)) {
                        assertEquals(TENSOR_BYTES, v.byteSize());
                        assertEquals(-1, MemorySegment.mismatch(v.segment(), 0, TENSOR_BYTES, expected, 0, TENSOR_BYTES),
                                n + " read back differs");
                    }
                }
            }
            long data = header.tensors().stream().mapToLong(e -> e.endBytes() - e.dataOffsetBytes()).sum();
            assertEquals(data, fetched(ranges, 1), "the whole load fetched every chunk once, and nothing else: "
                    + ranges.size() + " requests");

            ranges.clear();
            TsealHeader.Entry seventh = header.tensors().stream().filter(e -> e.info().name().equals(name(7))).findFirst().orElseThrow();
            try (TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(key), options)) {
                ranges.clear(); // the opening request
                fill(expected, 7);
                try (TensorView v = store.read(name(7))) {
                    assertEquals(-1, MemorySegment.mismatch(v.segment(), 0, TENSOR_BYTES, expected, 0, TENSOR_BYTES));
                }
            }
            List<long[]> seen = parse(ranges, 0);
            long at = seventh.dataOffsetBytes();
            for (long[] r : seen) {
                assertEquals(at, r[0], "the ranges tile the tensor's chunks, no gap, no overlap, nothing else: " + ranges);
                at = r[1];
            }
            assertEquals(seventh.endBytes(), at, "the last range ends with the tensor's last chunk");
        } finally {
            proxy.stop();
            ctx.close();
        }
    }

    /** Bytes fetched by the ranges after the first {@code skip} (the opening request). */
    private static long fetched(List<String> ranges, int skip) {
        return parse(ranges, skip).stream().mapToLong(r -> r[1] - r[0]).sum();
    }

    /** The ranges [from, to) after the first {@code skip}, sorted, checked not to overlap. */
    private static List<long[]> parse(List<String> ranges, int skip) {
        List<long[]> out = new ArrayList<>();
        for (String r : ranges.subList(skip, ranges.size())) {
            Matcher m = RANGE.matcher(r);
            assertTrue(m.matches(), r);
            out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) + 1});
        }
        out.sort(Comparator.comparingLong(r -> r[0]));
        for (int i = 1; i < out.size(); i++) {
            assertTrue(out.get(i)[0] >= out.get(i - 1)[1], "no byte fetched twice");
        }
        return out;
    }

    private static S3Client client(URI endpoint, List<String> ranges) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ID, SECRET)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        context.httpRequest().firstMatchingHeader("Range").ifPresent(ranges::add);
                    }
                })).build();
    }
}
