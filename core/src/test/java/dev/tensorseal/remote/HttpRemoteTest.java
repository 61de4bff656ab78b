package dev.tensorseal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.remote.RemoteTseal;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealed files opened over HTTP from a real server: what is fetched, the ETag pin, the header digest, the http rule. */
class HttpRemoteTest {
    @TempDir
    Path dir;

    private ServedModel served;
    private KeySource key;
    private RangeServer server;
    private SealedModel model;
    private URI uri;

    @BeforeEach
    void serve() throws Exception {
        served = ServedModel.http(61, 1, dir);
        key = served.key;
        server = served.server;
        model = served.model;
        uri = served.uri();
    }

    @AfterEach
    void stop() throws Exception {
        served.close();
    }

    private TensorStore.Builder settings() {
        return served.settings();
    }

    @Test
    void everyTensorReadsBackByteIdentical() {
        try (TensorStore store = SealedFile.open(uri, settings(), RemoteOptions.builder().concurrency(4).requestBytes(256 << 10).build())) {
            for (var e : model.plaintext().entrySet()) {
                try (TensorView v = store.read(e.getKey())) {
                    assertArrayEquals(e.getValue(), v.toByteArray(), e.getKey());
                }
            }
        }
    }

    @Test
    void openingFetchesOnlyTheHeaderWithOneRequest() {
        try (TensorStore store = SealedFile.open(uri, settings())) {
            List<RangeServer.Served> served = server.served();
            assertEquals(1, served.size(), "one ranged GET opens the file: " + served);
            assertEquals(0, served.get(0).from());
            assertEquals(3, store.list().size());
        }
    }

    @Test
    void aSingleTensorReadFetchesOnlyItsChunksEachOnce() {
        for (String tensor : List.of("small", "mid", "big")) {
            try (TensorStore store = SealedFile.open(uri, settings(), RemoteOptions.builder().concurrency(4).requestBytes(256 << 10).build())) {
                server.clearServed();
                try (TensorView v = store.read(tensor)) {
                    assertArrayEquals(model.plaintext().get(tensor), v.toByteArray(), tensor);
                }
                long[] extent = model.extent(tensor);
                List<RangeServer.Served> served = server.served().stream().sorted((a, b) -> Long.compare(a.from(), b.from())).toList();
                long at = extent[0];
                for (RangeServer.Served s : served) {
                    assertEquals(at, s.from(), tensor + ": ranges tile the tensor's chunks, no gap and no overlap: " + served);
                    assertTrue(s.to() - s.from() <= 256 << 10, tensor + ": no request is larger than asked: " + s);
                    at = s.to();
                }
                assertEquals(extent[1], at, tensor + ": the last range ends at the tensor's last chunk: " + served);
                long expectedRequests = tensor.equals("big") ? 4 : 1; // big: 4 lanes, each 384 KiB in 256 KiB requests, at least
                assertTrue(served.size() >= expectedRequests, tensor + ": " + served.size() + " requests");
            }
        }
    }

    @Test
    void aChangedObjectIsAnIntegrityFailureNamingIt() throws Exception {
        SealedModel other = SealedModel.make(key, 2, dir);
        try (TensorStore store = SealedFile.open(uri, settings())) {
            server.put(ServedModel.PATH, other.file()); // a new version under the same name
            IntegrityException e = assertThrows(IntegrityException.class, () -> store.read("small").close());
            assertTrue(e.getMessage().contains("/models/m.tseal changed since it was opened"), e.getMessage());
            assertTrue(e.getMessage().contains("412"), e.getMessage());
        }
    }

    @Test
    void theExpectedHeaderDigestIsCheckedBeforeTheKeyIsUsed() throws Exception {
        String digest = HexFormat.of().formatHex(RemoteTseal.readUnverified(RemoteTseal.storageFor(uri, RemoteOptions.defaults()), uri,
                RemoteOptions.defaults()).headerDigest());
        try (TensorStore store = SealedFile.open(uri, settings(), RemoteOptions.builder().expectHeaderDigest(digest).build())) {
            try (TensorView v = store.read("small")) {
                assertArrayEquals(model.plaintext().get("small"), v.toByteArray());
            }
        }
        server.put(ServedModel.PATH, SealedModel.make(key, 3, dir).file()); // substituted: same key, another file
        KeySource untouchable = new KeySource() {
            @Override
            public void writeKey(MemorySegment destination) {
                throw new AssertionError("the key was used before the header digest was checked");
            }

            @Override
            public String description() {
                return "a key that must not be used";
            }
        };
        IntegrityException e = assertThrows(IntegrityException.class, () -> SealedFile.open(uri,
                TensorStore.builder().keySource(untouchable), RemoteOptions.builder().expectHeaderDigest(digest).build()));
        assertTrue(e.getMessage().contains("is not the expected " + digest), e.getMessage());
    }

    @Test
    void aRemoteOpenOrVerifyAsksTheKeySourceOnce() {
        AtomicInteger asked = new AtomicInteger();
        KeySource counting = new KeySource() {
            @Override
            public void writeKey(MemorySegment destination) {
                asked.incrementAndGet();
                key.writeKey(destination);
            }

            @Override
            public String description() {
                return "a counting key";
            }
        };
        try (TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(counting), RemoteOptions.defaults());
                TensorView v = store.read("small")) {
            assertArrayEquals(model.plaintext().get("small"), v.toByteArray());
        }
        assertEquals(1, asked.get(), "KeySource.writeKey calls for one SealedFile.open(URI) and a read");
        SealedFile.verify(uri, counting, RemoteOptions.defaults());
        assertEquals(2, asked.get(), "KeySource.writeKey calls after one more SealedFile.verify(URI)");
    }

    @Test
    void verifyByUriAuthenticatesEveryChunkAndTheLocalDigestIsTheRemoteOne() throws Exception {
        SealedFile.verify(uri, key, RemoteOptions.defaults());
        Path local = dir.resolve("same.tseal");
        java.nio.file.Files.write(local, model.file());
        String digest = SealedFile.headerDigest(local);
        assertEquals(digest, HexFormat.of().formatHex(RemoteTseal.readUnverified(RemoteTseal.storageFor(uri, RemoteOptions.defaults()),
                uri, RemoteOptions.defaults()).headerDigest()));
        byte[] damaged = model.file().clone();
        long[] mid = model.extent("mid");
        damaged[(int) (mid[0] + 70_000)] ^= 4; // inside chunk 1 of "mid"
        server.put(ServedModel.PATH, damaged);
        IntegrityException e = assertThrows(IntegrityException.class, () -> SealedFile.verify(uri, key, RemoteOptions.defaults()));
        assertEquals("mid", e.tensor().orElseThrow());
        assertEquals(1L, e.chunk().orElseThrow());
        assertEquals(digest, SealedFile.headerDigest(local), "a chunk edit leaves the header digest as it was");
    }

    @Test
    void plainHttpIsRefusedForNonLoopbackHostsUnlessAllowed() {
        for (String u : List.of("http://example.com/m.tseal", "http://10.1.2.3:8080/m.tseal", "http://[2001:db8::1]/m.tseal")) {
            UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                    () -> SealedFile.open(URI.create(u), settings()));
            assertTrue(e.getMessage().contains("plain http is refused"), e.getMessage());
        }
        // Loopback by name works without opting in (this test's server is on 127.0.0.1; localhost resolves to it).
        try (TensorStore store = SealedFile.open(URI.create(uri.toString().replace("127.0.0.1", "localhost")), settings())) {
            assertEquals(3, store.list().size());
        }
    }

    @Test
    void aWrongKeyIsAnIntegrityFailure() {
        IntegrityException e = assertThrows(IntegrityException.class,
                () -> SealedFile.open(uri, TensorStore.builder().keySource(KeySource.bytes(ServedModel.keyBytes(62)))));
        assertTrue(e.getMessage().contains("wrong key"), e.getMessage());
    }

    @Test
    void aMissingObjectIsAClearErrorWithoutRetries() {
        var e = assertThrows(dev.tensorseal.TensorSealException.class, () -> SealedFile.open(server.uri("/nope.tseal"), settings()));
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("no such object"), e.getMessage());
    }
}
