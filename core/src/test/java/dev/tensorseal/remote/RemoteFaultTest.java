package dev.tensorseal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
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
 * Every fault class a range reader meets, injected into a real server's responses: retried ones recover, the
 * rest (or the same ones, persistent) are clear errors after the retries; none releases wrong plaintext, none
 * hangs (each wait has a 60 s guard that only a hang reaches).
 */
class RemoteFaultTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final KeySource key = KeySource.bytes(HttpRemoteTest.keyBytes(71));
    private RangeServer server;
    private SealedModel model;
    private URI uri;

    @BeforeEach
    void serve() throws Exception {
        server = RangeServer.http();
        model = SealedModel.make(key, 5, dir);
        server.put("/m.tseal", model.file());
        uri = server.uri("/m.tseal");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static RemoteOptions.Builder quick() {
        return RemoteOptions.builder().maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(10));
    }

    private TensorStore open(RemoteOptions options) {
        return SealedFile.open(uri, TensorStore.builder().keySource(key).parallelism(2), options);
    }

    @ParameterizedTest
    @EnumSource(value = RangeServer.Fault.class, names = {"SLOW_DOWN", "SERVER_ERROR", "RESET", "TRUNCATE", "TOO_LONG",
            "IGNORE_RANGE", "DELAY"})
    void aTransientFaultIsRetriedAndTheReadIsExact(RangeServer.Fault fault) {
        try (TensorStore store = open(quick().build())) {
            server.clearServed();
            server.inject(fault, 1);
            try (TensorView v = store.read("mid")) {
                assertArrayEquals(model.plaintext().get("mid"), v.toByteArray());
            }
            List<RangeServer.Served> served = server.served();
            assertEquals(fault, served.get(0).fault(), "the first request met the fault");
            long[] extent = model.extent("mid");
            int retries = fault == RangeServer.Fault.DELAY ? 0 : 1;
            assertEquals(1 + retries, served.size(), "one request" + (retries == 1 ? " and one retry" : "") + ": " + served);
            assertEquals(extent[0], served.get(served.size() - 1).from());
            assertEquals(extent[1], served.get(served.size() - 1).to());
        }
    }

    @ParameterizedTest
    @EnumSource(value = RangeServer.Fault.class, names = {"SLOW_DOWN", "SERVER_ERROR", "RESET", "TRUNCATE", "TOO_LONG", "IGNORE_RANGE"})
    void aPersistentFaultIsAClearErrorAfterTheRetries(RangeServer.Fault fault) {
        try (TensorStore store = open(quick().build())) {
            server.clearServed();
            server.always(fault);
            TensorSealException e = assertThrows(TensorSealException.class, () -> store.read("mid").close());
            assertFalse(e instanceof IntegrityException, "a network fault is not an integrity failure: " + e);
            assertTrue(e.getMessage().contains("/m.tseal: bytes " + model.extent("mid")[0]), e.getMessage());
            assertTrue(e.getMessage().contains("failed after 3 attempts"), e.getMessage());
            String why = switch (fault) {
                case SLOW_DOWN -> "HTTP 503";
                case SERVER_ERROR -> "HTTP 500";
                case TRUNCATE -> "(cut short)";
                case TOO_LONG -> "(too long)";
                case IGNORE_RANGE -> "answered 200 with the whole object instead of 206";
                default -> "last: ";
            };
            assertTrue(e.getMessage().contains(why), e.getMessage());
            assertEquals(3, server.served().size(), "three attempts in all: " + server.served());
            server.always(null);
            try (TensorView v = store.read("mid")) { // the store is still usable once the server recovers
                assertArrayEquals(model.plaintext().get("mid"), v.toByteArray());
            }
        }
    }

    @Test
    void aCorruptedResponseIsAnIntegrityFailureNeverPlaintext() {
        try (TensorStore store = open(quick().build())) {
            server.inject(RangeServer.Fault.CORRUPT, 1);
            IntegrityException e = assertThrows(IntegrityException.class, () -> store.read("small").close());
            assertEquals("small", e.tensor().orElseThrow());
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
        }
    }

    @Test
    void aCorruptedHeaderFailsTheOpen() {
        server.inject(RangeServer.Fault.CORRUPT, 1);
        assertThrows(IntegrityException.class, () -> open(quick().build()));
    }

    @Test
    void aStalledServerIsAClearErrorAfterTheRetries() {
        try (TensorStore store = open(quick().maxAttempts(2).idleTimeout(Duration.ofMillis(300)).build())) {
            server.always(RangeServer.Fault.STALL);
            TensorSealException e = assertThrows(TensorSealException.class, () -> store.read("mid").close());
            assertTrue(e.getMessage().contains("the server stalled") && e.getMessage().contains("failed after 2 attempts"),
                    e.getMessage());
        }
    }

    @Test
    void aServerStallingTheHeaderIsAClearError() {
        server.always(RangeServer.Fault.STALL);
        TensorSealException e = assertThrows(TensorSealException.class,
                () -> open(quick().maxAttempts(2).idleTimeout(Duration.ofMillis(300)).build()));
        assertTrue(e.getMessage().contains("opening: failed after 2 attempts"), e.getMessage());
    }

    @Test
    void interruptingAReaderCancelsItsRequest() throws Exception {
        try (TensorStore store = open(quick().build())) { // 30 s idle timeout: only the interrupt ends the wait
            server.always(RangeServer.Fault.STALL);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (TensorView v = store.read("small")) {
                    failure.set(new AssertionError("read returned " + v.byteSize() + " bytes from a stalled server"));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            assertTrue(server.awaitStalled(), "the read reached the server");
            reader.interrupt();
            reader.join(HANG_GUARD);
            assertFalse(reader.isAlive(), "the interrupted read returned");
            TensorSealException e = assertInstanceOf(TensorSealException.class, failure.get());
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        }
    }

    @Test
    void closingTheStoreCancelsReadsInFlight() throws Exception {
        TensorStore store = open(quick().build());
        server.always(RangeServer.Fault.STALL);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (TensorView v = store.read("mid")) {
                failure.set(new AssertionError("read returned " + v.byteSize() + " bytes from a stalled server"));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        assertTrue(server.awaitStalled(), "the read reached the server");
        store.close();
        reader.join(HANG_GUARD);
        assertFalse(reader.isAlive(), "the read in flight returned once the store closed");
        assertNotNull(failure.get());
        TensorSealException e = assertInstanceOf(TensorSealException.class, failure.get(), String.valueOf(failure.get()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
