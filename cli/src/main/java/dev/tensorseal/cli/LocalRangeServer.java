package dev.tensorseal.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server for the bench's remote figures: one file, single {@code bytes=A-B} ranges answered 206 from
 * its mapping, a fixed ETag honoured in {@code If-Match}. Both remote figures use it, so they share its limits.
 */
final class LocalRangeServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private static final String ETAG = "\"bench-1\"";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-range-server");
        t.setDaemon(true);
        return t;
    });
    private final Arena arena = Arena.ofShared();
    private final MemorySegment file;

    LocalRangeServer(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/bench.tseal");
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            Matcher m = RANGE.matcher(String.valueOf(x.getRequestHeaders().getFirst("Range")));
            String ifMatch = x.getRequestHeaders().getFirst("If-Match");
            if (!m.matches() || (ifMatch != null && !ifMatch.equals(ETAG))) {
                x.sendResponseHeaders(m.matches() ? 412 : 400, -1);
                return;
            }
            long from = Long.parseLong(m.group(1));
            long to = Math.min(Long.parseLong(m.group(2)) + 1, file.byteSize());
            x.getResponseHeaders().set("ETag", ETAG);
            x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + file.byteSize());
            x.sendResponseHeaders(206, to - from);
            OutputStream out = x.getResponseBody();
            byte[] buffer = new byte[(int) Math.min(1 << 20, to - from)];
            for (long at = from; at < to; at += buffer.length) {
                int n = (int) Math.min(buffer.length, to - at);
                MemorySegment.copy(file, java.lang.foreign.ValueLayout.JAVA_BYTE, at, buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        arena.close();
    }
}
