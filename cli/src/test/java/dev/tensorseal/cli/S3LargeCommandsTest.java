package dev.tensorseal.cli;

import static dev.tensorseal.cli.FileCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote issue's done-when through the command line at full size: a 1 GiB safetensors model sealed with
 * {@code seal -o s3://} (multipart upload) to s3proxy on its filesystem blob store (the object on disk, not in this
 * JVM's heap), then {@code open s3://... -o} back to a file that must equal the input byte for byte. The API half
 * (range counts, read-ahead) is remote-s3's {@code S3LargeModelTest}.
 */
class S3LargeCommandsTest {
    private static final String ID = "cli-large";
    private static final String SECRET = "cli-large-secret";
    private static final int MIB = 1024;

    @TempDir
    Path dir;

    @Test
    void aOneGibModelSealedToS3OpensBackByteIdenticalThroughTheCli() throws Exception {
        Path blobDir = Files.createDirectory(dir.resolve("blobs"));
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", blobDir.toString());
        String[] props = {"aws.accessKeyId", "aws.secretAccessKey", "tensorseal.s3.endpoint", "tensorseal.s3.region",
            "tensorseal.s3.pathStyle"};
        Map<String, String> before = new java.util.HashMap<>();
        for (String k : props) {
            before.put(k, System.getProperty(k));
        }
        try (BlobStoreContext blobs = ContextBuilder.newBuilder("filesystem").credentials(ID, SECRET).overrides(p)
                .build(BlobStoreContext.class)) {
            blobs.getBlobStore().createContainerInLocation(null, "models");
            S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ID, SECRET).build();
            proxy.start();
            try {
                for (int i = 0; i < 6000 && !"STARTED".equals(proxy.getState()); i++) { // hang guard: 60 s
                    Thread.sleep(10);
                }
                assertEquals("STARTED", proxy.getState());
                System.setProperty("aws.accessKeyId", ID);
                System.setProperty("aws.secretAccessKey", SECRET);
                System.setProperty("tensorseal.s3.endpoint", "http://127.0.0.1:" + proxy.getPort());
                System.setProperty("tensorseal.s3.region", "us-east-1");
                System.setProperty("tensorseal.s3.pathStyle", "true");

                Path key = dir.resolve("k.key");
                assertEquals(0, run("keygen", "--out", key.toString()).code());
                Path model = model(dir.resolve("m.safetensors"));
                String uri = "s3://models/large/m.tseal";
                var seal = run("seal", model.toString(), "-o", uri, "--key-file", key.toString(), "--quiet");
                assertEquals(0, seal.code(), seal.err());
                assertTrue(blobs.getBlobStore().blobExists("models", "large/m.tseal"));
                long objectBytes = blobs.getBlobStore().blobMetadata("models", "large/m.tseal").getSize();
                assertTrue(objectBytes > (long) MIB << 20, "the object holds the whole sealed model: " + objectBytes);

                Path back = dir.resolve("back.safetensors");
                var open = run("open", uri, "-o", back.toString(), "--key-file", key.toString(), "--quiet");
                assertEquals(0, open.code(), open.err());
                assertEquals(-1L, Files.mismatch(model, back), "the model read back from S3 differs from the input");
                Files.delete(back);
                Files.delete(model);
            } finally {
                proxy.stop();
                for (String k : props) {
                    if (before.get(k) == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, before.get(k));
                    }
                }
            }
        }
    }

    /** A 1 GiB safetensors file: four 256 MiB tensors of seeded random bytes. */
    private static Path model(Path p) throws Exception {
        int tensors = 4;
        int perTensor = MIB / tensors;
        List<dev.tensorseal.internal.safetensors.SafetensorsWriter.Declared> declared = new java.util.ArrayList<>();
        for (int t = 0; t < tensors; t++) {
            declared.add(new dev.tensorseal.internal.safetensors.SafetensorsWriter.Declared("layer." + t, "U8",
                    new long[] {(long) perTensor << 20}));
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var w = new dev.tensorseal.internal.safetensors.SafetensorsWriter(ch, declared, Map.of());
            byte[] block = new byte[1 << 20];
            Random r = new Random(42);
            for (int i = 0; i < MIB; i++) {
                r.nextBytes(block);
                w.write(ByteBuffer.wrap(block));
            }
            w.finish();
        }
        return p;
    }
}
