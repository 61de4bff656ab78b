package dev.tensorseal.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.DType;
import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Against a real S3-compatible server in-process: s3proxy with its transient blob store, reached through the
 * SDK with path-style addressing, an endpoint override, a region and the default credential chain (fed here by
 * the aws.accessKeyId / aws.secretAccessKey system properties).
 */
class S3RemoteTest {
    private static final String ID = "tensorseal-test";
    private static final String SECRET = "tensorseal-test-secret";
    private static S3Proxy proxy;
    private static URI endpoint;
    private static S3Client admin;
    /** Every Range header the counting client sent. */
    private static final List<String> ranges = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        System.setProperty("aws.accessKeyId", ID);
        System.setProperty("aws.secretAccessKey", SECRET);
        BlobStoreContext ctx = ContextBuilder.newBuilder("transient").credentials(ID, SECRET).overrides(new Properties())
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(ctx.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ID, SECRET).build();
        proxy.start();
        for (int i = 0; i < 6000 && !"STARTED".equals(proxy.getState()); i++) { // hang guard: 60 s
            Thread.sleep(10);
        }
        assertEquals("STARTED", proxy.getState(), "s3proxy started");
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        admin = client(false);
        admin.createBucket(b -> b.bucket("models"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        admin.close();
        proxy.stop();
    }

    private static S3Client client(boolean counting) {
        var b = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (counting) {
            b.overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                    context.httpRequest().firstMatchingHeader("Range").ifPresent(ranges::add);
                }
            }));
        }
        return b.build();
    }

    private static S3Storage configured() {
        return S3Storage.builder().region("us-east-1").endpointOverride(endpoint).pathStyle(true).partBytes(5L << 20).build();
    }

    private final KeySource key = KeySource.bytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    /** A model of 12 MiB in three tensors, sealed to a local file. */
    private Map<String, byte[]> sealModel(Path file, long seed) throws Exception {
        Random r = new Random(seed);
        Map<String, byte[]> plain = new LinkedHashMap<>();
        plain.put("embed", new byte[8 << 20]);
        plain.put("layer", new byte[4 << 20]);
        plain.put("bias", new byte[3000]);
        try (TensorStore store = TensorStore.builder().keySource(key).build()) {
            for (var e : plain.entrySet()) {
                r.nextBytes(e.getValue());
                store.put(e.getKey(), DType.U8, new long[] {e.getValue().length}, e.getValue());
            }
            SealedFile.save(store, key, file);
        }
        return plain;
    }

    @Test
    void aModelUploadedWithMultipartOpensAndReadsBackByteIdentical() throws Exception {
        Path file = dir.resolve("m.tseal");
        Map<String, byte[]> plain = sealModel(file, 1);
        URI uri = URI.create("s3://models/round-trip/m.tseal");
        S3Storage s3 = configured();
        s3.upload(file, uri, RemoteOptions.defaults(), true, b -> { });
        assertEquals(Files.size(file), admin.headObject(b -> b.bucket("models").key("round-trip/m.tseal")).contentLength());
        try (TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(key).parallelism(2),
                RemoteOptions.builder().storage(s3).concurrency(4).build())) {
            for (var e : plain.entrySet()) {
                try (TensorView v = store.read(e.getKey())) {
                    assertArrayEquals(e.getValue(), v.toByteArray(), e.getKey());
                }
            }
        }
    }

    @Test
    void aSingleTensorReadFetchesOnlyItsChunks() throws Exception {
        Path file = dir.resolve("m.tseal");
        sealModel(file, 2);
        admin.putObject(b -> b.bucket("models").key("count/m.tseal"), software.amazon.awssdk.core.sync.RequestBody.fromFile(file));
        var header = dev.tensorseal.internal.tseal.TsealReader.readUnverified(file);
        var bias = header.tensors().stream().filter(t -> t.info().name().equals("bias")).findFirst().orElseThrow();
        URI uri = URI.create("s3://models/count/m.tseal");
        try (TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(key),
                RemoteOptions.builder().storage(S3Storage.builder().client(client(true)).build()).build())) {
            assertEquals(List.of("bytes=0-" + ((1 << 20) - 1)), ranges, "one ranged GET opens it");
            ranges.clear();
            try (TensorView v = store.read("bias")) {
                assertEquals(3000, v.byteSize());
            }
            assertEquals(List.of("bytes=" + bias.dataOffsetBytes() + "-" + (bias.endBytes() - 1)), ranges,
                    "reading one small tensor fetches exactly its chunk");
        } finally {
            ranges.clear();
        }
    }

    @Test
    void anObjectReplacedAfterOpeningIsAnIntegrityFailure() throws Exception {
        Path file = dir.resolve("m.tseal");
        sealModel(file, 3);
        Path other = dir.resolve("other.tseal");
        sealModel(other, 4);
        URI uri = URI.create("s3://models/changed/m.tseal");
        S3Storage s3 = configured();
        s3.upload(file, uri, RemoteOptions.defaults(), true, b -> { });
        try (TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(key), RemoteOptions.builder().storage(s3).build())) {
            s3.upload(other, uri, RemoteOptions.defaults(), true, b -> { });
            IntegrityException e = assertThrows(IntegrityException.class, () -> store.read("bias").close());
            assertTrue(e.getMessage().contains("s3://models/changed/m.tseal changed since it was opened"), e.getMessage());
        }
    }

    @Test
    void aFailedUploadIsAbortedAndLeavesNothingVisible() throws Exception {
        Path file = dir.resolve("m.tseal");
        sealModel(file, 5);
        URI uri = URI.create("s3://models/failed/m.tseal");
        RuntimeException stop = new RuntimeException("stopped after the first part");
        RuntimeException e = assertThrows(RuntimeException.class, () -> configured().upload(file, uri, RemoteOptions.defaults(), true, b -> {
            throw stop;
        }));
        assertEquals(stop, e);
        assertThrows(NoSuchKeyException.class, () -> admin.headObject(b -> b.bucket("models").key("failed/m.tseal")));
        assertTrue(admin.listMultipartUploads(b -> b.bucket("models")).uploads().isEmpty(), "the upload was aborted");
    }

    @Test
    void aMissingKeyIsAClearErrorAndThePathStyleRuleForPlainHttpHolds() {
        TensorSealException e = assertThrows(TensorSealException.class, () -> SealedFile.open(URI.create("s3://models/none.tseal"),
                TensorStore.builder().keySource(key), RemoteOptions.builder().storage(configured()).build()));
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("s3://models/none.tseal"), e.getMessage());
        S3Storage remote = S3Storage.builder().region("us-east-1").endpointOverride(URI.create("http://s3.example.com")).build();
        var refused = assertThrows(dev.tensorseal.UnsupportedParameterException.class, () -> SealedFile.open(
                URI.create("s3://models/x.tseal"), TensorStore.builder().keySource(key), RemoteOptions.builder().storage(remote).build()));
        assertTrue(refused.getMessage().contains("plain http to S3 endpoint s3.example.com is refused"), refused.getMessage());
    }
}
