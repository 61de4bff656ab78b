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

    /**
     * A failed upload: the endpoint is a TCP proxy that resets every connection once it has carried 1 MiB of request
     * (so every part of 16 MiB fails, retries included, and the small abort request goes through). The upload is
     * aborted, nothing is visible under the key, no part is left, the error is one line, and the local copy is gone.
     */
    @Test
    void aFailedUploadIsAbortedAndLeavesNoObjectNoPartsAndNoLocalFile() throws Exception {
        Path key = dir.resolve("k.key");
        assertEquals(0, run("keygen", "--out", key.toString()).code());
        Path model = bigModel(dir.resolve("big.safetensors"), 20);
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        String endpoint = System.getProperty("tensorseal.s3.endpoint");
        String tmpdir = System.getProperty("java.io.tmpdir");
        try (ResettingProxy breaker = new ResettingProxy(proxy.getPort(), 1 << 20)) {
            System.setProperty("tensorseal.s3.endpoint", "http://127.0.0.1:" + breaker.port());
            System.setProperty("java.io.tmpdir", tmp.toString());
            var seal = run("seal", model.toString(), "-o", "s3://models/broken/m.tseal", "--key-file", key.toString(), "--quiet");
            assertOneLineError(seal, 2, "upload failed and was aborted");
            assertTrue(breaker.resets() > 0, "the proxy broke the upload");
        } finally {
            System.setProperty("tensorseal.s3.endpoint", endpoint);
            System.setProperty("java.io.tmpdir", tmpdir);
        }
        assertTrue(!blobs.getBlobStore().blobExists("models", "broken/m.tseal"), "nothing visible under the key");
        assertEquals(java.util.List.of(), blobs.getBlobStore().listMultipartUploads("models"), "the upload was aborted");
        try (var files = Files.list(tmp)) {
            assertEquals(java.util.List.of(), files.toList(), "the local copy of the upload was deleted");
        }
    }

    /**
     * SIGINT while {@code seal -o s3://} runs in a child (its java.io.tmpdir a folder of this test): the local copy is
     * a TempFiles one, so the shutdown hook deletes it and the folder is left empty; nothing is visible under the key.
     */
    @Test
    void sigintDuringSealToS3LeavesNoLocalCopy() throws Exception {
        Path key = dir.resolve("k.key");
        assertEquals(0, run("keygen", "--out", key.toString()).code());
        Path model = bigModel(dir.resolve("big.safetensors"), 64); // seal and upload take seconds: the signal lands in them
        Path tmp = Files.createDirectory(dir.resolve("child-tmp"));
        Path log = dir.resolve("child.log");
        ProcessBuilder b = ChildCli.builder(java.util.List.of("-Djava.io.tmpdir=" + tmp,
                "-Dtensorseal.s3.endpoint=" + System.getProperty("tensorseal.s3.endpoint"), "-Dtensorseal.s3.region=us-east-1",
                "-Dtensorseal.s3.pathStyle=true", "-Daws.accessKeyId=cli-test", "-Daws.secretAccessKey=cli-test-secret"),
                java.util.Map.of(), "seal", model.toString(), "-o", "s3://models/interrupted/m.tseal", "--key-file", key.toString())
                .redirectOutput(log.toFile());
        // SIGINT at its default even where this JVM inherited it ignored (see InterruptedCommandsTest).
        b.command().addAll(0, java.util.List.of("env", "--default-signal=INT"));
        Process child = b.start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3); // hang guard
            while (isEmpty(tmp)) {
                assertTrue(child.isAlive(), "the child ended before its local copy was seen: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "hang guard: no local copy appeared");
                Thread.sleep(1);
            }
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor());
            assertTrue(child.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "hang guard: the child did not exit after SIGINT");
            assertEquals(130, child.exitValue(), Files.readString(log));
            assertTrue(!blobs.getBlobStore().blobExists("models", "interrupted/m.tseal"), "nothing visible under the key");
        } finally {
            child.destroyForcibly();
            child.waitFor();
            try (var files = Files.list(tmp)) {
                assertEquals(java.util.List.of(), files.toList(), "the child's local copy was deleted");
            }
        }
    }

    /** A safetensors file of one U8 tensor of {@code mib} MiB of random bytes. */
    private static Path bigModel(Path p, int mib) throws java.io.IOException {
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            var w = new dev.tensorseal.internal.safetensors.SafetensorsWriter(ch, java.util.List.of(
                    new dev.tensorseal.internal.safetensors.SafetensorsWriter.Declared("w", "U8", new long[] {(long) mib << 20})),
                    java.util.Map.of());
            byte[] block = new byte[1 << 20];
            new java.util.Random(mib).nextBytes(block);
            for (int i = 0; i < mib; i++) {
                w.write(java.nio.ByteBuffer.wrap(block));
            }
            w.finish();
        }
        return p;
    }

    private static boolean isEmpty(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            return files.findAny().isEmpty();
        }
    }

    /** Forwards TCP to a port; resets a connection (RST) once it has carried {@code limit} request bytes. */
    static final class ResettingProxy implements AutoCloseable {
        private final java.net.ServerSocket listener;
        private final java.util.concurrent.atomic.AtomicInteger resets = new java.util.concurrent.atomic.AtomicInteger();

        ResettingProxy(int upstream, long limit) throws java.io.IOException {
            listener = new java.net.ServerSocket(0, 64, java.net.InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        java.net.Socket client = listener.accept();
                        java.net.Socket server = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), upstream);
                        Thread.ofPlatform().daemon().start(() -> pipe(server, client, Long.MAX_VALUE, client));
                        Thread.ofPlatform().daemon().start(() -> pipe(client, server, limit, client));
                    } catch (java.io.IOException e) {
                        // closed
                    }
                }
            });
        }

        private void pipe(java.net.Socket from, java.net.Socket to, long limit, java.net.Socket client) {
            byte[] buffer = new byte[64 << 10];
            long carried = 0;
            try {
                for (int n; (n = from.getInputStream().read(buffer)) >= 0; ) {
                    if (carried + n > limit) {
                        resets.incrementAndGet();
                        client.setSoLinger(true, 0);
                        break;
                    }
                    to.getOutputStream().write(buffer, 0, n);
                    carried += n;
                }
            } catch (java.io.IOException e) {
                // the other direction closed
            }
            try {
                from.close();
                to.close();
            } catch (java.io.IOException e) {
                // gone
            }
        }

        int port() {
            return listener.getLocalPort();
        }

        int resets() {
            return resets.get();
        }

        @Override
        public void close() throws java.io.IOException {
            listener.close();
        }
    }
}
