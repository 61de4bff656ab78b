package dev.tensorseal.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy between the client and a real HTTP server that damages responses at the byte level, as a network
 * or a broken middlebox does: it forwards each connection both ways and, for each response (found by its
 * {@code Content-Length}), applies the next queued {@link Fault}. It counts connections accepted and connections
 * the client closed, which is how a test sees that a cancelled read really hung up.
 */
final class FaultProxy implements AutoCloseable {
    /** What one response suffers on its way to the client. */
    enum Fault {
        /** Headers and half the body, then a TCP reset (linger 0). */
        RESET,
        /** Headers and half the body, then an orderly close: the body ends short of its length. */
        CUT,
        /** The whole response with one body byte flipped (byte 200, or the middle of a shorter body). */
        CORRUPT,
        /** Nothing more forwarded to the client; the connection stays open until the client closes it. */
        STALL,
        /** A 150 ms pause, then the response intact. */
        DELAY
    }

    private static final Pattern LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger stalledResponses = new AtomicInteger();
    private final AtomicInteger responses = new AtomicInteger();
    private volatile Fault always;
    private volatile boolean closed;

    /** A proxy on a free loopback port for the server at {@code upstream} (an http URI; only host and port count). */
    FaultProxy(URI upstream) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("fault-proxy").start(this::acceptLoop);
    }

    /** {@code path} reached through this proxy. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + path);
    }

    /** The next {@code times} responses get {@code fault}. */
    void inject(Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(fault);
        }
    }

    /** Every response gets {@code fault} (null: none) after the queued ones. */
    void always(Fault fault) {
        always = fault;
    }

    /** Connections the client opened so far. */
    int accepted() {
        return accepted.get();
    }

    /** Connections the client closed (or reset) so far. */
    int closedByClient() {
        return closedByClient.get();
    }

    /** Responses that reached the proxy so far (one per request the server answered). */
    int responses() {
        return responses.get();
    }

    /** Responses held back by {@link Fault#STALL} so far. */
    int stalled() {
        return stalledResponses.get();
    }

    /** Polls {@code condition} until it holds; false after {@code seconds} (a hang guard, not a timing claim). */
    static boolean await(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                Thread.ofPlatform().daemon().start(() -> requests(client, server));
                Thread.ofPlatform().daemon().start(() -> responses(server, client));
            } catch (IOException e) {
                // closing the listener ends the loop
            }
        }
    }

    /** Client to server, unchanged; the client's end of the stream (or its reset) is a close the tests count. */
    private void requests(Socket client, Socket server) {
        boolean byClient;
        try {
            client.getInputStream().transferTo(server.getOutputStream());
            byClient = true;
        } catch (IOException e) {
            byClient = !client.isClosed(); // a reset by the client, not the other direction closing the sockets
        }
        if (byClient) {
            closedByClient.incrementAndGet();
        }
        closeQuietly(client);
        closeQuietly(server);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Server to client, one response at a time: headers, then Content-Length body bytes, the fault applied. */
    private void responses(Socket server, Socket client) {
        try (server; client) {
            InputStream in = new java.io.BufferedInputStream(server.getInputStream(), 64 << 10);
            OutputStream out = client.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                Matcher m = LENGTH.matcher(new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
                long length = m.find() ? Long.parseLong(m.group(1)) : -1;
                responses.incrementAndGet();
                Fault fault = faults.poll();
                if (fault == null) {
                    fault = always;
                }
                if (length < 0) {
                    out.write(head);
                    in.transferTo(out); // not a Content-Length body: passed on as it is
                    return;
                }
                if (!forward(fault, head, length, in, out, client)) {
                    return;
                }
            }
        } catch (IOException e) {
            // either side went away
        }
    }

    /** Forwards one response with {@code fault}; false when the connection ends with it. */
    private boolean forward(Fault fault, byte[] head, long length, InputStream in, OutputStream out, Socket client)
            throws IOException {
        if (fault == Fault.STALL) {
            stalledResponses.incrementAndGet();
            in.transferTo(OutputStream.nullOutputStream()); // held: the client waits until it gives up and hangs up
            return false;
        }
        if (fault == Fault.DELAY) {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.write(head);
        long half = length / 2;
        long flip = Math.min(half, 200); // inside the header too, for the opening request
        long sent = 0;
        byte[] buffer = new byte[64 << 10];
        while (sent < length) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - sent));
            if (n < 0) {
                return false;
            }
            if (fault == Fault.CORRUPT && sent <= flip && flip < sent + n) {
                buffer[(int) (flip - sent)] ^= 0x20;
            }
            if ((fault == Fault.RESET || fault == Fault.CUT) && sent + n > half) {
                out.write(buffer, 0, (int) (half - sent));
                out.flush();
                if (fault == Fault.RESET) {
                    client.setSoLinger(true, 0);
                }
                return false;
            }
            out.write(buffer, 0, n);
            sent += n;
        }
        out.flush();
        return true;
    }

    /** The bytes up to and including the blank line ending a response's headers; null at the end of the stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
