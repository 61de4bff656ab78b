package dev.tensorseal.cli;

import static dev.tensorseal.cli.FileCommandsTest.assertOneLineError;
import static dev.tensorseal.cli.FileCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect, verify and open with an http:// URI, served by the JDK's HTTP server with range support. */
class RemoteCommandsTest {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    @TempDir Path dir;
    private Path key;
    private Path model;
    private volatile byte[] served;
    private HttpServer server;
    private String uri;

    @BeforeEach
    void serve() throws Exception {
        key = dir.resolve("k.key");
        model = FileCommandsTest.safetensors(dir.resolve("m.safetensors"), 7);
        Path sealed = dir.resolve("m.tseal");
        assertEquals(0, run("keygen", "--out", key.toString()).code());
        assertEquals(0, run("seal", model.toString(), "-o", sealed.toString(), "--key-file", key.toString()).code());
        served = Files.readAllBytes(sealed);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/m.tseal", x -> {
            try (x) {
                byte[] body = served;
                String etag = "\"v" + java.util.Arrays.hashCode(body) + "\"";
                Matcher m = RANGE.matcher(String.valueOf(x.getRequestHeaders().getFirst("Range")));
                String ifMatch = x.getRequestHeaders().getFirst("If-Match");
                if (!m.matches() || (ifMatch != null && !ifMatch.equals(etag))) {
                    x.sendResponseHeaders(m.matches() ? 412 : 400, -1);
                    return;
                }
                int from = Integer.parseInt(m.group(1));
                int to = Math.min(Integer.parseInt(m.group(2)) + 1, body.length);
                x.getResponseHeaders().set("ETag", etag);
                x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + body.length);
                x.sendResponseHeaders(206, to - from);
                x.getResponseBody().write(body, from, to - from);
            }
        });
        server.start();
        uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/m.tseal";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String digest() {
        var r = run("inspect", uri);
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("digest: +([0-9a-f]{64})").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    @Test
    void inspectVerifyAndOpenReadAUri() throws Exception {
        var inspect = run("inspect", uri, "--key-file", key.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("verified") && inspect.out().contains(uri), inspect.out());
        var verify = run("verify", uri, "--key-file", key.toString(), "--expect-digest", digest());
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.out().startsWith("ok: " + uri), verify.out());
        Path out = dir.resolve("back.safetensors");
        var open = run("open", uri, "-o", out.toString(), "--key-file", key.toString(), "--concurrency", "2");
        assertEquals(0, open.code(), open.err());
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(out));
    }

    @Test
    void aWrongDigestIsAnIntegrityFailureAndLeavesNoOutput() {
        String wrong = "00".repeat(32);
        Path out = dir.resolve("back.safetensors");
        var r = run("open", uri, "-o", out.toString(), "--key-file", key.toString(), "--expect-digest", wrong);
        assertOneLineError(r, 1, "is not the expected " + wrong);
        assertFalse(Files.exists(out));
    }

    @Test
    void aFlippedChunkByteOnTheServerIsExitOne() {
        byte[] b = served.clone();
        b[b.length - 100] ^= 1; // inside the last tensor's last chunk (the tail is chunk data, then page padding)
        served = b;
        var r = run("verify", uri, "--key-file", key.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void remoteOptionsOnALocalFileAreAUsageError() {
        var r = run("inspect", dir.resolve("m.tseal").toString(), "--expect-digest", "00".repeat(32));
        assertOneLineError(r, 2, "apply to URI inputs only");
    }
}
