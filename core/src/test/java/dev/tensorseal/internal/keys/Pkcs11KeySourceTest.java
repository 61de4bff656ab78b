package dev.tensorseal.internal.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.nativebridge.internal.pkcs11.Pkcs11Token;
import dev.tensorseal.nativebridge.internal.pkcs11.Pkcs11Token.Wrapping;
import dev.tensorseal.testing.SoftHsm;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Master keys wrapped by a key-encryption key that lives in a SoftHSM2 token and never leaves it. */
class Pkcs11KeySourceTest {
    private static final AtomicInteger LABELS = new AtomicInteger();

    @TempDir Path dir;
    private SoftHsm hsm;
    private Path pin;
    private String kekLabel;

    @BeforeEach
    void token() throws IOException {
        var found = SoftHsm.get();
        if (found.isEmpty()) {
            if (SoftHsm.underCi()) {
                fail("CI=true but " + SoftHsm.missingReason());
            }
            System.out.println("skipping PKCS#11 test: " + SoftHsm.missingReason());
            Assumptions.abort(SoftHsm.missingReason());
        }
        hsm = found.get();
        pin = hsm.pinFile(dir);
        kekLabel = "kek-" + ProcessHandle.current().pid() + "-" + LABELS.incrementAndGet();
        try (Arena arena = Arena.ofConfined(); Pkcs11Token.Session s = session(arena)) {
            s.generateKek(kekLabel);
        }
    }

    private static Pkcs11Token.Session session(Arena arena) {
        return Pkcs11Token.find(SoftHsm.MODULE, SoftHsm.TOKEN, null)
                .login(arena.allocateFrom(SoftHsm.USER_PIN, StandardCharsets.UTF_8).asSlice(0, SoftHsm.USER_PIN.length()));
    }

    private Path sealed(KeySource key, String name) throws IOException {
        Path file = dir.resolve(name);
        try (TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[] {1.5f, 2.5f, 3.5f}, 3);
            SealedFile.save(store, key, file);
        }
        return file;
    }

    private static float second(Path file, KeySource key) throws IOException {
        try (TensorStore s = SealedFile.open(file, key); TensorView v = s.read("w")) {
            return v.getFloat(1);
        }
    }

    @Test
    void theKekIsSensitiveAndNeverExtractableAndTheTokenRefusesToReadItsValue() {
        try (Arena arena = Arena.ofConfined(); Pkcs11Token.Session s = session(arena)) {
            long kek = s.findSecretKey(kekLabel);
            Pkcs11Token.KeyFlags f = s.flags(kek);
            assertTrue(f.sensitive(), "CKA_SENSITIVE");
            assertFalse(f.extractable(), "CKA_EXTRACTABLE");
            assertTrue(f.alwaysSensitive(), "CKA_ALWAYS_SENSITIVE: it was never readable");
            assertTrue(f.neverExtractable(), "CKA_NEVER_EXTRACTABLE: it was never exportable");
            assertEquals("CKR_ATTRIBUTE_SENSITIVE", s.valueReadStatus(kek), "C_GetAttributeValue(CKA_VALUE) is refused");
        }
    }

    @Test
    void aFileSealedUnderTheTokenOpensWithItAndTheWrappedKeyFileHoldsNoKey() throws IOException {
        String uri = hsm.uri(kekLabel, pin);
        Path wrapped = dir.resolve("m.tseal.p11key");
        Path file;
        try (KeySource key = KeySource.newPkcs11(uri, wrapped)) {
            file = sealed(key, "m.tseal");
        }
        String json = Files.readString(wrapped);
        assertTrue(json.contains("\"mechanism\":\"CKM_AES_KEY_WRAP\""), "SoftHSM2 lacks KWP (0x210B) and offers RFC 3394: " + json);
        try (KeySource key = KeySource.pkcs11(uri, wrapped)) {
            assertEquals(2.5f, second(file, key));
        }
    }

    @Test
    void gcmWrappingWorksWhereATokenLacksKeyWrap() throws IOException {
        Pkcs11Uri uri = Pkcs11Uri.parse(hsm.uri(kekLabel, pin), null);
        Path wrapped = dir.resolve("g.tseal.p11key");
        Path file;
        try (KeySource key = Pkcs11KeySource.create(uri, wrapped, Wrapping.AES_GCM)) {
            file = sealed(key, "g.tseal");
        }
        assertTrue(Files.readString(wrapped).contains("CKM_AES_GCM"));
        try (KeySource key = Pkcs11KeySource.existing(uri, wrapped)) {
            assertEquals(2.5f, second(file, key));
        }
    }

    @Test
    void aChangedWrappedKeyIsAnIntegrityFailureForKeyWrapAndForGcm() throws IOException {
        Pkcs11Uri uri = Pkcs11Uri.parse(hsm.uri(kekLabel, pin), null);
        for (Wrapping w : new Wrapping[] {Wrapping.AES_KEY_WRAP, Wrapping.AES_GCM}) {
            Path wrapped = dir.resolve(w + ".p11key");
            Pkcs11KeySource.create(uri, wrapped, w).close();
            WrappedKeyFile good = WrappedKeyFile.read(wrapped);
            byte[] bad = good.wrapped().clone();
            bad[bad.length / 2] ^= 0x01;
            Files.delete(wrapped);
            new WrappedKeyFile(good.token(), good.object(), w, good.iv(), bad).write(wrapped);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(KeySource.KEY_BYTES);
                IntegrityException e = assertThrows(IntegrityException.class,
                        () -> Pkcs11KeySource.existing(uri, wrapped).writeKey(out), w.toString());
                assertTrue(e.getMessage().contains("does not unwrap"), e.getMessage());
                assertArrayEquals(new byte[KeySource.KEY_BYTES], out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "zeroed");
            }
        }
    }

    @Test
    void rekeyMovesTheFileToANewWrappedKeyAndTheOldOneNoLongerOpensIt() throws IOException {
        String uri = hsm.uri(kekLabel, pin);
        Path oldWrapped = dir.resolve("old.p11key");
        Path newWrapped = dir.resolve("new.p11key");
        Path file;
        try (KeySource key = KeySource.newPkcs11(uri, oldWrapped)) {
            file = sealed(key, "r.tseal");
        }
        try (KeySource oldKey = KeySource.pkcs11(uri, oldWrapped); KeySource newKey = KeySource.newPkcs11(uri, newWrapped)) {
            SealedFile.rekey(file, oldKey, newKey);
        }
        try (KeySource key = KeySource.pkcs11(uri, newWrapped)) {
            assertEquals(2.5f, second(file, key));
        }
        try (KeySource key = KeySource.pkcs11(uri, oldWrapped)) {
            assertThrows(IntegrityException.class, () -> second(file, key));
        }
    }

    @Test
    void aPinFromAnEnvironmentVariableIsReadOnceScrubbedAndStillServesSealAndRekey() throws IOException {
        String variable = "TENSORSEAL_TEST_PIN_" + LABELS.incrementAndGet();
        SoftHsm.setenv(variable, SoftHsm.USER_PIN);
        String uri = "pkcs11:token=" + SoftHsm.TOKEN + ";object=" + kekLabel + "?module-path=" + SoftHsm.MODULE
                + "&pin-source=env:" + variable;
        Path oldWrapped = dir.resolve("e1.p11key");
        Path newWrapped = dir.resolve("e2.p11key");
        Path file;
        try (KeySource key = KeySource.newPkcs11(uri, oldWrapped)) {
            file = sealed(key, "e.tseal"); // the store and the save each ask the source again
        }
        assertEquals(null, dev.tensorseal.nativebridge.internal.ffm.Environment.value(variable), "scrubbed after the read");
        try (KeySource oldKey = KeySource.pkcs11(uri, oldWrapped); KeySource newKey = KeySource.newPkcs11(uri, newWrapped)) {
            SealedFile.rekey(file, oldKey, newKey);
        }
        try (KeySource key = KeySource.pkcs11(uri, newWrapped)) {
            assertEquals(2.5f, second(file, key));
        }
    }

    @Test
    void aWrongPinIsRefusedByTheTokenAndTheMessageDoesNotCarryIt() throws IOException {
        Path wrongPin = Files.writeString(dir.resolve("wrong.pin"), "wrong-pin-value-91");
        Path wrapped = dir.resolve("p.p11key");
        KeySource.newPkcs11(hsm.uri(kekLabel, pin), wrapped).close();
        try (Arena arena = Arena.ofConfined()) {
            TensorSealException e = assertThrows(TensorSealException.class,
                    () -> KeySource.pkcs11(hsm.uri(kekLabel, wrongPin), wrapped).writeKey(arena.allocate(32)));
            assertTrue(e.getMessage().contains("CKR_PIN_INCORRECT"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pin-value-91"), e.getMessage());
        }
    }

    @Test
    void anUnknownKeyLabelNamesTheLabel() {
        TensorSealException e = assertThrows(TensorSealException.class,
                () -> KeySource.newPkcs11(hsm.uri("no-such-kek", pin), dir.resolve("x.p11key")));
        assertTrue(e.getMessage().contains("no secret key labelled 'no-such-kek'"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.p11key")), "no wrapped key file is left behind");
    }
}
