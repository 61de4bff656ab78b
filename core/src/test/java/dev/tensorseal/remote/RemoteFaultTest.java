package dev.tensorseal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fault class a range reader meets: damage on the wire (a reset, a cut, a flipped byte, a stall, a delay)
 * from a TCP {@link FaultProxy} between the client and a real server, and wrong HTTP answers (5xx, a 200 for a
 * range, a wrong length) from the server's handler. Retried ones recover, the rest (or the same ones, persistent)
 * are clear errors after the retries; none releases wrong plaintext, none hangs (each wait has a 60 s guard that
 * only a hang reaches).
 */
class RemoteFaultTest {
    private static final int HANG_GUARD_SECONDS = 60;

    @TempDir
    Path dir;

    private ServedModel served;
    private RangeServer server;
    private FaultProxy proxy;
    private URI uri;

    @BeforeEach
    void serve() throws Exception {
        served = ServedModel.http(71, 5, dir);
        server = served.server;
        proxy = served.proxy();
        uri = served.proxied();
    }

    @AfterEach
    void stop() throws Exception {
        served.close();
    }

    private static RemoteOptions.Builder quick() {
        return RemoteOptions.builder().maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(10));
    }

    private TensorStore open(RemoteOptions options) {
        return served.open(uri, options);
    }

    /** The server's answer to the next request, or the proxy's damage to the next response. */
    private void inject(String fault) {
        if (isWireFault(fault)) {
            proxy.inject(FaultProxy.Fault.valueOf(fault), 1);
        } else {
            server.inject(RangeServer.Fault.valueOf(fault), 1);
        }
    }

    private void always(String fault) {
        if (isWireFault(fault)) {
            proxy.always(FaultProxy.Fault.valueOf(fault));
        } else {
            server.always(RangeServer.Fault.valueOf(fault));
        }
    }

    private static boolean isWireFault(String fault) {
        return java.util.Arrays.stream(FaultProxy.Fault.values()).anyMatch(f -> f.name().equals(fault));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"SLOW_DOWN", "SERVER_ERROR", "TRUNCATE", "TOO_LONG", "IGNORE_RANGE",
        "RESET", "CUT", "DELAY"})
    void aTransientFaultIsRetriedAndTheReadIsExact(String fault) {
        try (TensorStore store = open(quick().build())) {
            server.clearServed();
            inject(fault);
            try (TensorView v = store.read("mid")) {
                assertArrayEquals(served.model.plaintext().get("mid"), v.toByteArray());
            }
            List<RangeServer.Served> requests = server.served();
            long[] extent = served.model.extent("mid");
            int retries = fault.equals("DELAY") ? 0 : 1;
            assertEquals(1 + retries, requests.size(), "one request" + (retries == 1 ? " and one retry" : "") + ": " + requests);
            for (RangeServer.Served s : requests) {
                assertEquals(extent[0], s.from());
                assertEquals(extent[1], s.to());
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"SLOW_DOWN", "SERVER_ERROR", "TRUNCATE", "TOO_LONG", "IGNORE_RANGE",
        "RESET", "CUT"})
    void aPersistentFaultIsAClearErrorAfterTheRetries(String fault) {
        try (TensorStore store = open(quick().build())) {
            server.clearServed();
            always(fault);
            TensorSealException e = assertThrows(TensorSealException.class, () -> store.read("mid").close());
            assertFalse(e instanceof IntegrityException, "a network fault is not an integrity failure: " + e);
            assertTrue(e.getMessage().contains("/m.tseal: bytes " + served.model.extent("mid")[0]), e.getMessage());
            assertTrue(e.getMessage().contains("failed after 3 attempts"), e.getMessage());
            String why = switch (fault) {
                case "SLOW_DOWN" -> "HTTP 503";
                case "SERVER_ERROR" -> "HTTP 500";
                case "TRUNCATE" -> "(cut short)";
                case "TOO_LONG" -> "(too long)";
                case "IGNORE_RANGE" -> "answered 200 with the whole object instead of 206";
                default -> "last: ";
            };
            assertTrue(e.getMessage().contains(why), e.getMessage());
            assertEquals(3, server.served().size(), "three attempts in all: " + server.served());
            server.always(null);
            proxy.always(null);
            try (TensorView v = store.read("mid")) { // the store is still usable once the server recovers
                assertArrayEquals(served.model.plaintext().get("mid"), v.toByteArray());
            }
        }
    }

    @Test
    void aByteFlippedOnTheWireIsAnIntegrityFailureNeverPlaintext() {
        try (TensorStore store = open(quick().build())) {
            proxy.inject(FaultProxy.Fault.CORRUPT, 1);
            IntegrityException e = assertThrows(IntegrityException.class, () -> store.read("small").close());
            assertEquals("small", e.tensor().orElseThrow());
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
        }
    }

    @Test
    void aHeaderByteFlippedOnTheWireFailsTheOpen() {
        proxy.inject(FaultProxy.Fault.CORRUPT, 1);
        assertThrows(IntegrityException.class, () -> open(quick().build()));
    }

    @Test
    void aStalledServerIsAClearErrorAfterTheRetries() {
        try (TensorStore store = open(quick().maxAttempts(2).idleTimeout(Duration.ofMillis(300)).build())) {
            proxy.always(FaultProxy.Fault.STALL);
            TensorSealException e = assertThrows(TensorSealException.class, () -> store.read("mid").close());
            assertTrue(e.getMessage().contains("the server stalled") && e.getMessage().contains("failed after 2 attempts"),
                    e.getMessage());
        }
    }

    @Test
    void aServerStallingTheHeaderIsAClearError() {
        proxy.always(FaultProxy.Fault.STALL);
        TensorSealException e = assertThrows(TensorSealException.class,
                () -> open(quick().maxAttempts(2).idleTimeout(Duration.ofMillis(300)).build()));
        assertTrue(e.getMessage().contains("opening: failed after 2 attempts"), e.getMessage());
    }

    /** A reader of {@code tensor} on its own thread; what it threw (or an AssertionError if it returned data). */
    private static Thread reader(TensorStore store, String tensor, AtomicReference<Throwable> failure) {
        return Thread.ofPlatform().start(() -> {
            try (TensorView v = store.read(tensor)) {
                failure.set(new AssertionError("read returned " + v.byteSize() + " bytes from a stalled server"));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
    }

    /**
     * "big" (1.5 MiB) fans out across the store's pool, one request per lane: once every lane's request is held
     * by the proxy, {@code stop} (an interrupt, a close) must make the read fail, every held connection close,
     * and no request be retried.
     */
    private void stallFannedOutReadThen(TensorStore store, java.util.function.Consumer<Thread> stop, String expected)
            throws Exception {
        int lanes = RemoteOptions.defaults().concurrency(); // 24 chunks over max(parallelism 2, 8 requests) lanes
        proxy.always(FaultProxy.Fault.STALL);
        int before = proxy.responses();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = reader(store, "big", failure);
        assertTrue(FaultProxy.await(() -> proxy.stalled() == lanes, HANG_GUARD_SECONDS),
                "every lane's request reached the server: " + proxy.stalled() + " of " + lanes);
        stop.accept(reader);
        reader.join(Duration.ofSeconds(HANG_GUARD_SECONDS));
        assertFalse(reader.isAlive(), "the read returned");
        assertNotNull(failure.get());
        TensorSealException e = assertInstanceOf(TensorSealException.class, failure.get(), String.valueOf(failure.get()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(FaultProxy.await(() -> proxy.closedByClient() >= lanes, HANG_GUARD_SECONDS),
                "the client hung up every stalled request: " + proxy.closedByClient() + " of " + lanes);
        assertEquals(lanes, proxy.responses() - before, "no request was retried or sent after the read gave up");
    }

    @Test
    void interruptingAReaderCancelsItsRequest() throws Exception {
        try (TensorStore store = open(quick().build())) { // 30 s idle timeout: only the interrupt ends the wait
            proxy.always(FaultProxy.Fault.STALL);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = reader(store, "small", failure);
            assertTrue(FaultProxy.await(() -> proxy.stalled() == 1, HANG_GUARD_SECONDS), "the read reached the server");
            reader.interrupt();
            reader.join(Duration.ofSeconds(HANG_GUARD_SECONDS));
            assertFalse(reader.isAlive(), "the interrupted read returned");
            TensorSealException e = assertInstanceOf(TensorSealException.class, failure.get());
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(FaultProxy.await(() -> proxy.closedByClient() >= 1, HANG_GUARD_SECONDS), "the client hung up");
        }
    }

    @Test
    void interruptingAFannedOutReadCancelsEveryLanesRequest() throws Exception {
        try (TensorStore store = open(quick().idleTimeout(Duration.ofMinutes(10)).build())) {
            stallFannedOutReadThen(store, Thread::interrupt, "interrupted");
            proxy.always(null);
            try (TensorView v = store.read("big")) { // the store is still usable: only that read was cancelled
                assertArrayEquals(served.model.plaintext().get("big"), v.toByteArray());
            }
        }
    }

    @Test
    void closingTheStoreCancelsAFannedOutReadInFlight() throws Exception {
        TensorStore store = open(quick().idleTimeout(Duration.ofMinutes(10)).build());
        stallFannedOutReadThen(store, reader -> store.close(), "closed");
    }

    @Test
    void closingTheStoreCancelsReadsInFlight() throws Exception {
        TensorStore store = open(quick().build());
        proxy.always(FaultProxy.Fault.STALL);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = reader(store, "mid", failure);
        assertTrue(FaultProxy.await(() -> proxy.stalled() == 1, HANG_GUARD_SECONDS), "the read reached the server");
        store.close();
        reader.join(Duration.ofSeconds(HANG_GUARD_SECONDS));
        assertFalse(reader.isAlive(), "the read in flight returned once the store closed");
        assertNotNull(failure.get());
        TensorSealException e = assertInstanceOf(TensorSealException.class, failure.get(), String.valueOf(failure.get()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
