package dev.tensorseal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model sealed to recipients, served over HTTP: each identity opens and verifies it remotely, another does not. */
class RemoteRecipientsTest {
    @TempDir
    Path dir;

    @Test
    void eachRecipientOpensTheRemoteObjectAndAnotherIdentityDoesNot() throws Exception {
        Path a = dir.resolve("a.id");
        Path b = dir.resolve("b.id");
        Path c = dir.resolve("c.id");
        List<String> to = List.of(SealedFile.newIdentity(a, "x25519"), SealedFile.newIdentity(b, "p256"));
        SealedFile.newIdentity(c, "x25519");
        SealedModel model;
        try (KeySource key = KeySource.recipients(to)) {
            model = SealedModel.make(key, 3, dir);
        }
        try (RangeServer server = RangeServer.http()) {
            server.put("/m.tseal", model.file());
            URI uri = server.uri("/m.tseal");
            for (Path id : List.of(a, b)) {
                try (KeySource identity = KeySource.identity(id);
                        TensorStore store = SealedFile.open(uri, TensorStore.builder().keySource(identity));
                        TensorView v = store.read("mid")) {
                    assertArrayEquals(model.plaintext().get("mid"), v.toByteArray(), id.getFileName().toString());
                    SealedFile.verify(uri, identity, RemoteOptions.defaults());
                }
            }
            try (KeySource identity = KeySource.identity(c)) {
                assertThrows(IntegrityException.class, () -> SealedFile.open(uri, TensorStore.builder().keySource(identity)).close());
            }
        }
    }
}
