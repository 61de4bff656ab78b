package dev.tensorseal.cli;

import static dev.tensorseal.cli.FileCommandsTest.assertOneLineError;
import static dev.tensorseal.cli.FileCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * seal -o s3://, then inspect, verify and open s3:// against s3proxy in-process, configured as a user would: the
 * endpoint, region and path style in tensorseal.s3.* settings, credentials through the AWS default chain.
 */
class S3CommandsTest {
    private static S3Proxy proxy;
    private static BlobStoreContext blobs;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("aws.accessKeyId", "cli-test");
        System.setProperty("aws.secretAccessKey", "cli-test-secret");
        blobs = ContextBuilder.newBuilder("transient").credentials("cli-test", "cli-test-secret").overrides(new Properties())
                .build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "models");
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "cli-test", "cli-test-secret").build();
        proxy.start();
        for (int i = 0; i < 6000 && !"STARTED".equals(proxy.getState()); i++) { // hang guard: 60 s
            Thread.sleep(10);
        }
        assertEquals("STARTED", proxy.getState());
        System.setProperty("tensorseal.s3.endpoint", "http://127.0.0.1:" + proxy.getPort());
        System.setProperty("tensorseal.s3.region", "us-east-1");
        System.setProperty("tensorseal.s3.pathStyle", "true");
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.stop();
        blobs.close();
        for (String p : new String[] {"tensorseal.s3.endpoint", "tensorseal.s3.region", "tensorseal.s3.pathStyle"}) {
            System.clearProperty(p);
        }
    }

    @Test
    void sealToS3ThenInspectVerifyAndOpenFromIt() throws Exception {
        Path key = dir.resolve("k.key");
        Path model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 11);
        assertEquals(0, run("keygen", "--out", key.toString()).code());
        String uri = "s3://models/cli/m.tseal";
        var seal = run("seal", model.toString(), "-o", uri, "--key-file", key.toString());
        assertEquals(0, seal.code(), seal.err());
        assertTrue(seal.out().contains("into " + uri) && seal.out().contains("uploaded"), seal.out());
        assertTrue(blobs.getBlobStore().blobExists("models", "cli/m.tseal"));

        assertOneLineError(run("seal", model.toString(), "-o", uri, "--key-file", key.toString()), 2, "already exists");

        var inspect = run("inspect", uri, "--key-file", key.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("verified"), inspect.out());
        assertEquals(0, run("verify", uri, "--key-file", key.toString()).code());
        Path back = dir.resolve("back.safetensors");
        var open = run("open", uri, "-o", back.toString(), "--key-file", key.toString());
        assertEquals(0, open.code(), open.err());
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(back));
    }
}
