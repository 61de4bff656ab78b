package dev.tensorseal.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP(S) server (the JDK's) holding objects in memory, with what a range reader relies on: single
 * {@code bytes=A-B} ranges answered 206 with {@code Content-Range}, a strong ETag per version, and {@code If-Match}
 * answered 412 for another version. It records every range it served, and in front of each request consults a
 * queue of injected {@link Fault}s: wrong HTTP answers (status, length) of a flaky server. Damage on the wire
 * (resets, cuts, flipped bytes, stalls) is {@link FaultProxy}'s.
 */
final class RangeServer implements AutoCloseable {
    /** What the next request gets instead of a correct answer. */
    enum Fault {
        /** 503 Slow Down, as S3 says it. */
        SLOW_DOWN,
        /** 500 Internal Server Error. */
        SERVER_ERROR,
        /** 206 with the Content-Range asked for but half the bytes. */
        TRUNCATE,
        /** 206 with the Content-Range asked for but 100 bytes more. */
        TOO_LONG,
        /** 200 with the whole object, as a server that ignores Range sends it. */
        IGNORE_RANGE
    }

    /** One range served (or attempted): start and end (exclusive), and the fault applied, if any. */
    record Served(String path, long from, long to, Fault fault) {}

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private final HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<Served> served = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile Fault always;

    private RangeServer(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "range-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** A plain HTTP server on a free loopback port. */
    static RangeServer http() throws IOException {
        return new RangeServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64));
    }

    /** An HTTPS server with {@code tls}'s certificate. */
    static RangeServer https(SSLContext tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new RangeServer(s);
    }

    URI uri(String path) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Stores (or replaces: a new version, a new ETag) the object at {@code path}. */
    void put(String path, byte[] bytes) {
        objects.put(path, bytes.clone());
    }

    /** The next {@code times} requests get {@code fault}. */
    void inject(Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(fault);
        }
    }

    /** Every request gets {@code fault} (null: none) after the queued ones. */
    void always(Fault fault) {
        this.always = fault;
    }

    /** The ranges served so far, in order. */
    List<Served> served() {
        synchronized (served) {
            return List.copyOf(served);
        }
    }

    void clearServed() {
        served.clear();
    }

    static String etag(byte[] bytes) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12) + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] object = objects.get(x.getRequestURI().getPath());
            if (object == null) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            String tag = etag(object);
            String ifMatch = x.getRequestHeaders().getFirst("If-Match");
            if (ifMatch != null && !ifMatch.equals(tag)) {
                x.sendResponseHeaders(412, -1);
                return;
            }
            Matcher m = RANGE.matcher(String.valueOf(x.getRequestHeaders().getFirst("Range")));
            if (!m.matches()) {
                x.getResponseHeaders().set("ETag", tag);
                x.sendResponseHeaders(200, object.length);
                x.getResponseBody().write(object);
                return;
            }
            long from = Long.parseLong(m.group(1));
            long to = Math.min(Long.parseLong(m.group(2)) + 1, object.length);
            if (from >= object.length) {
                x.getResponseHeaders().set("Content-Range", "bytes */" + object.length);
                x.sendResponseHeaders(416, -1);
                return;
            }
            Fault fault = faults.poll();
            if (fault == null) {
                fault = always;
            }
            served.add(new Served(x.getRequestURI().getPath(), from, to, fault));
            respond(x, object, tag, from, to, fault);
        }
    }

    private void respond(HttpExchange x, byte[] object, String tag, long from, long to, Fault fault) throws IOException {
        if (fault == Fault.SLOW_DOWN || fault == Fault.SERVER_ERROR) {
            x.sendResponseHeaders(fault == Fault.SLOW_DOWN ? 503 : 500, -1);
            return;
        }
        x.getResponseHeaders().set("ETag", tag);
        if (fault == Fault.IGNORE_RANGE) {
            x.sendResponseHeaders(200, object.length);
            x.getResponseBody().write(object);
            return;
        }
        long end = fault == Fault.TRUNCATE ? from + (to - from) / 2 : fault == Fault.TOO_LONG ? Math.min(to + 100, object.length) : to;
        byte[] body = java.util.Arrays.copyOfRange(object, (int) from, (int) end);
        // TRUNCATE and TOO_LONG claim the range asked for: only the body's length betrays them.
        x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + object.length);
        x.sendResponseHeaders(206, body.length);
        OutputStream out = x.getResponseBody();
        out.write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
