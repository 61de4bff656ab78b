package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.signing.ModelSigning;
import dev.tensorseal.internal.signing.SigningKeyFile;
import dev.tensorseal.internal.store.StoreConfig;
import dev.tensorseal.internal.tseal.TsealFiles;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signature covers every byte of a sealed file and is checked with the signer's public key alone. */
class SignerTest {
    @TempDir Path dir;
    private Path file;
    private Path signingKey;
    private Signer signer;

    @BeforeEach
    void sealAndSign() throws IOException {
        file = dir.resolve("m.tseal");
        try (KeySource key = StoreFixtures.key(11); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[] {1f, 2f, 3f, 4f}, 4);
            SealedFile.save(store, key, file);
        }
        signingKey = dir.resolve("signing.pem");
        signer = Signer.of(SigningKeyFile.create(signingKey));
        SealedFile.sign(file, signingKey, false);
    }

    @Test
    void aSignedFileVerifiesWithThePublicKeyTextAlone() throws IOException {
        Signer.parse(signer.text()).verify(file);
        assertTrue(Files.exists(dir.resolve("m.tseal.sig")), "the signature lies beside the file as FILE.sig");
    }

    @Test
    void flippingAnyByteOfTheFileAtHeaderChunkOrTailFailsAndRestoringItVerifiesAgain() throws IOException {
        byte[] original = Files.readAllBytes(file);
        for (int at : new int[] {0, 9, original.length / 2, original.length - 1}) {
            byte[] bad = original.clone();
            bad[at] ^= 0x01;
            Files.write(file, bad);
            IntegrityException e = assertThrows(IntegrityException.class, () -> signer.verify(file), "flip at " + at);
            assertTrue(e.getMessage().contains("changed after signing"), e.getMessage());
        }
        Files.write(file, original);
        signer.verify(file);
    }

    @Test
    void anAppendedOrRemovedByteFails() throws IOException {
        byte[] original = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(original, original.length + 1));
        assertThrows(IntegrityException.class, () -> signer.verify(file));
        Files.write(file, java.util.Arrays.copyOf(original, original.length - 1));
        assertThrows(IntegrityException.class, () -> signer.verify(file));
    }

    @Test
    void aFlippedSignatureByteOrAnEditedStatementFails() throws IOException {
        Path sig = ModelSigning.signaturePath(file);
        String bundle = Files.readString(sig);
        String sigB64 = field(bundle, "sig");
        byte[] raw = Base64.getDecoder().decode(sigB64);
        raw[raw.length - 1] ^= 0x01;
        Files.writeString(sig, bundle.replace(sigB64, Base64.getEncoder().encodeToString(raw)));
        assertThrows(IntegrityException.class, () -> signer.verify(file));

        String payloadB64 = field(bundle, "payload");
        String statement = new String(Base64.getDecoder().decode(payloadB64), StandardCharsets.UTF_8);
        String edited = statement.replace("\"m.tseal\"", "\"other.tseal\"");
        assertTrue(!edited.equals(statement), "the statement names the file");
        Files.writeString(sig, bundle.replace(payloadB64,
                Base64.getEncoder().encodeToString(edited.getBytes(StandardCharsets.UTF_8))));
        IntegrityException e = assertThrows(IntegrityException.class, () -> signer.verify(file));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());

        Files.writeString(sig, bundle);
        signer.verify(file);
    }

    @Test
    void anotherSignersKeyIsRefused() throws IOException {
        Signer other = Signer.of(SigningKeyFile.create(dir.resolve("other.pem")));
        IntegrityException e = assertThrows(IntegrityException.class, () -> other.verify(file));
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
    }

    @Test
    void aResignWithoutReplaceIsRefusedAndLeavesTheSignature() throws IOException {
        byte[] before = Files.readAllBytes(ModelSigning.signaturePath(file));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> SealedFile.sign(file, signingKey, false));
        assertArrayEquals(before, Files.readAllBytes(ModelSigning.signaturePath(file)));
    }

    @Test
    void aFileSwappedInAfterTheSignatureCheckIsNotWhatTheStoreOpens() throws IOException {
        // Anyone who can write the folder (and knows the key, or a recipient's public key: no sender authentication)
        // can seal a file of their own; they rename it over the signed one between the check and the open.
        Path unsigned = dir.resolve("unsigned.tseal");
        try (KeySource key = StoreFixtures.key(11); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[] {9f, 9f, 9f, 9f}, 4);
            SealedFile.save(store, key, unsigned);
        }
        AtomicInteger swaps = new AtomicInteger();
        try (KeySource real = StoreFixtures.key(11)) {
            KeySource swapping = new KeySource() {
                @Override
                public void writeKey(MemorySegment destination) {
                    if (swaps.getAndIncrement() == 0) { // the first time the open needs the key: after the check
                        try {
                            Files.move(unsigned, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    real.writeKey(destination);
                }

                @Override
                public String description() {
                    return "swapping";
                }
            };
            try (TensorStore s = SealedFile.open(file, TensorStore.builder().keySource(swapping), signer);
                    TensorView v = s.read("w")) {
                assertEquals(3f, v.getFloat(2), "the store holds the signed file's tensor, not the one renamed over it");
            }
            assertEquals(1, swaps.get(), "the key was asked once, and the swap happened then");
            assertTrue(Files.exists(file) && Files.notExists(unsigned), "the unsigned file is now at the signed file's name");
        }
    }

    @Test
    void aSignatureCheckPinsTheHeaderItHashedAndAPinnedOpenRefusesAnyOtherBeforeAskingForTheKey() throws IOException {
        String checked = signer.verify(file);
        assertEquals(SealedFile.headerDigest(file), checked, "the digest of the header bytes the signature covered");
        Path unsigned = dir.resolve("unsigned.tseal");
        try (KeySource key = StoreFixtures.key(11); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", new float[] {9f, 9f, 9f, 9f}, 4);
            SealedFile.save(store, key, unsigned);
        }
        Files.move(unsigned, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        AtomicInteger asked = new AtomicInteger();
        try (KeySource real = StoreFixtures.key(11)) {
            KeySource counting = new KeySource() {
                @Override
                public void writeKey(MemorySegment destination) {
                    asked.incrementAndGet();
                    real.writeKey(destination);
                }

                @Override
                public String description() {
                    return "counting";
                }
            };
            byte[] pin = java.util.HexFormat.of().parseHex(checked);
            IntegrityException e = assertThrows(IntegrityException.class, () -> TsealFiles.open(file,
                    StoreConfig.defaults(counting), pin).store().close());
            assertTrue(e.getMessage().contains("not the one that was checked"), e.getMessage());
            assertThrows(IntegrityException.class, () -> TsealFiles.verify(file, counting, pin, bytes -> { }));
            assertEquals(0, asked.get(), "the key source was not asked for a header other than the pinned one");
        }
    }

    @Test
    void openRequiringASignerRefusesAnUnsignedOrForeignFileBeforeAskingForTheKey() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        try (KeySource real = StoreFixtures.key(11)) {
            KeySource counting = new KeySource() {
                @Override
                public void writeKey(MemorySegment destination) {
                    asked.incrementAndGet();
                    real.writeKey(destination);
                }

                @Override
                public String description() {
                    return "counting";
                }
            };
            TensorStore.Builder settings = TensorStore.builder().keySource(counting);
            try (TensorStore s = SealedFile.open(file, settings, signer)) {
                try (TensorView v = s.read("w")) {
                    assertEquals(3f, v.getFloat(2));
                }
            }
            int afterGood = asked.get();
            assertTrue(afterGood > 0, "the signed file opened with the key");

            Signer other = Signer.of(SigningKeyFile.create(dir.resolve("other.pem")));
            assertThrows(IntegrityException.class, () -> SealedFile.open(file, settings, other).close());
            Files.delete(ModelSigning.signaturePath(file));
            IntegrityException e = assertThrows(IntegrityException.class, () -> SealedFile.open(file, settings, signer).close());
            assertTrue(e.getMessage().contains("not signed"), e.getMessage());
            assertEquals(afterGood, asked.get(), "the key source was not asked for a refused file");
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }
}
