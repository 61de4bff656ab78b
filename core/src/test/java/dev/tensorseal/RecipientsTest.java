package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.internal.keys.RecipientStanza;
import dev.tensorseal.internal.tseal.TsealHeader;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file sealed to recipients opens with any of their identities and with nothing else, before and after a rekey. */
class RecipientsTest {
    @TempDir Path dir;

    private static final int BYTES = 3 * 4096 + 77;

    private static byte[] data(long seed) {
        byte[] b = new byte[BYTES];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path sealTo(String name, List<String> recipients) throws IOException {
        Path file = dir.resolve(name);
        try (KeySource key = KeySource.recipients(recipients);
                TensorStore store = TensorStore.builder().keySource(key).chunkSizeBytes(4096).build()) {
            store.put("w", DType.U8, new long[] {BYTES}, data(1));
            store.put("b", DType.U8, new long[] {5}, new byte[] {1, 2, 3, 4, 5});
            SealedFile.save(store, file);
        }
        return file;
    }

    private static byte[] read(Path file, Path identity) throws IOException {
        try (KeySource id = KeySource.identity(identity); TensorStore s = SealedFile.open(file, id); TensorView v = s.read("w")) {
            return v.toByteArray();
        }
    }

    private static void refused(Path file, Path identity) {
        try (KeySource id = KeySource.identity(identity)) {
            assertThrows(IntegrityException.class, () -> SealedFile.open(file, id).close());
        }
    }

    @Test
    void aFileSealedToTwoRecipientsOpensWithEitherIdentityAndWithNothingElse() throws IOException {
        Path a = dir.resolve("a.id");
        Path b = dir.resolve("b.id");
        Path c = dir.resolve("c.id");
        String pa = SealedFile.newIdentity(a, "x25519");
        String pb = SealedFile.newIdentity(b, "x25519");
        SealedFile.newIdentity(c, "x25519");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)), "identity file is 0600");
        assertTrue(pa.startsWith("tseal1-x25519-"), pa);
        Path file = sealTo("m.tseal", List.of(pa, pb));

        assertArrayEquals(data(1), read(file, a));
        assertArrayEquals(data(1), read(file, b));
        refused(file, c);
        try (KeySource raw = StoreFixtures.key(9)) {
            IntegrityException e = assertThrows(IntegrityException.class, () -> SealedFile.open(file, raw).close());
            assertTrue(e.getMessage().contains("sealed to recipients"), e.getMessage());
        }
        assertEquals(2, TsealReader.readUnverified(file).recipients().size());
        UnsupportedParameterException p = assertThrows(UnsupportedParameterException.class,
                () -> SealedFile.open(file, "a passphrase".toCharArray()).close());
        assertTrue(p.getMessage().contains("sealed to recipients"), p.getMessage());
    }

    @Test
    void anIdentityDoesNotOpenAFileSealedUnderAKey() throws IOException {
        Path a = dir.resolve("a.id");
        SealedFile.newIdentity(a, "x25519");
        Path file = dir.resolve("k.tseal");
        try (KeySource key = StoreFixtures.key(3); TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", DType.U8, new long[] {1}, new byte[] {1});
            SealedFile.save(store, file);
        }
        try (KeySource id = KeySource.identity(a)) {
            IntegrityException e = assertThrows(IntegrityException.class, () -> SealedFile.open(file, id).close());
            assertTrue(e.getMessage().contains("wrong key") && e.getMessage().contains("recipient identity"), e.getMessage());
        }
    }

    @Test
    void aKindByteFlippedFromRecipientsToRawKeyIsAnIntegrityFailureNotAUsageError() throws IOException {
        Path a = dir.resolve("a.id");
        Path file = sealTo("m.tseal", List.of(SealedFile.newIdentity(a, "x25519")));
        try (KeySource id = KeySource.identity(a);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            flip(ch, 40, 0x02); // kind 2 (recipients) becomes 0 (raw key): the bit the 0x01/0x80 flips never try
            IntegrityException e = assertThrows(IntegrityException.class, () -> SealedFile.open(file, id).close());
            assertTrue(e.getMessage().contains("wrong key"), e.getMessage());
            flip(ch, 40, 0x02);
            assertArrayEquals(data(1), read(file, a), "the file is whole again");
        }
    }

    @Test
    void p256AndP384RecipientsOpenTheirFile() throws IOException {
        Path a = dir.resolve("a.id");
        Path b = dir.resolve("b.id");
        Path file = sealTo("m.tseal", List.of(SealedFile.newIdentity(a, "p256"), SealedFile.newIdentity(b, "p384")));
        assertArrayEquals(data(1), read(file, a));
        assertArrayEquals(data(1), read(file, b));
    }

    @Test
    void removingARecipientRewritesOnlyTheHeaderRotatesTheMasterAndLocksItsIdentityOutOfTheNewFile() throws IOException {
        Path a = dir.resolve("a.id");
        Path b = dir.resolve("b.id");
        String pa = SealedFile.newIdentity(a, "x25519");
        String pb = SealedFile.newIdentity(b, "x25519");
        Path file = sealTo("m.tseal", List.of(pa, pb));
        Path oldCopy = Files.copy(file, dir.resolve("old.tseal"));
        TsealHeader before = TsealReader.readUnverified(file);

        try (KeySource id = KeySource.identity(a)) {
            SealedFile.changeRecipients(file, id, List.of(), List.of(pb));
        }
        refused(file, b);
        assertArrayEquals(data(1), read(file, a));
        assertArrayEquals(data(1), read(oldCopy, b), "a copy of the old file still opens for the removed recipient");
        TsealHeader after = TsealReader.readUnverified(file);
        assertEquals(1, after.recipients().size());
        assertChunksUnchanged(oldCopy, before, file, after);
        for (int i = 0; i < before.keys().size(); i++) {
            assertFalse(Arrays.equals(before.keys().get(i).wrappedKey(), after.keys().get(i).wrappedKey()),
                    "the data keys are wrapped under a new master secret's KEK");
        }
        try (KeySource id = KeySource.identity(a)) {
            UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                    () -> SealedFile.changeRecipients(file, id, List.of(), List.of(pa)));
            assertTrue(e.getMessage().contains("no key opens"), e.getMessage());
        }
    }

    @Test
    void addingARecipientKeepsTheMasterAndTheChunks() throws IOException {
        Path a = dir.resolve("a.id");
        Path c = dir.resolve("c.id");
        String pa = SealedFile.newIdentity(a, "x25519");
        String pc = SealedFile.newIdentity(c, "p256");
        Path file = sealTo("m.tseal", List.of(pa));
        Path oldCopy = Files.copy(file, dir.resolve("old.tseal"));
        TsealHeader before = TsealReader.readUnverified(file);
        refused(file, c);
        try (KeySource id = KeySource.identity(a)) {
            SealedFile.changeRecipients(file, id, List.of(pc), List.of());
            assertThrows(UnsupportedParameterException.class, () -> SealedFile.changeRecipients(file, id, List.of(pc), List.of()));
        }
        assertArrayEquals(data(1), read(file, c));
        assertArrayEquals(data(1), read(file, a));
        TsealHeader after = TsealReader.readUnverified(file);
        assertChunksUnchanged(oldCopy, before, file, after);
        for (int i = 0; i < before.keys().size(); i++) {
            assertArrayEquals(before.keys().get(i).wrappedKey(), after.keys().get(i).wrappedKey(), "same master, same wraps");
        }
    }

    @Test
    void aStoreOpenedWithAnIdentitySavesToTheSameRecipients() throws IOException {
        Path a = dir.resolve("a.id");
        Path b = dir.resolve("b.id");
        Path file = sealTo("m.tseal", List.of(SealedFile.newIdentity(a, "x25519"), SealedFile.newIdentity(b, "x25519")));
        Path copy = dir.resolve("copy.tseal");
        try (KeySource id = KeySource.identity(a); TensorStore s = SealedFile.open(file, id)) {
            s.put("new", DType.U8, new long[] {3}, new byte[] {9, 9, 9});
            SealedFile.save(s, copy);
        }
        assertArrayEquals(data(1), read(copy, b));
        try (KeySource id = KeySource.identity(b); TensorStore s = SealedFile.open(copy, id); TensorView v = s.read("new")) {
            assertArrayEquals(new byte[] {9, 9, 9}, v.toByteArray());
        }
    }

    /** Every chunk's bytes are the same in both files (the rewrite copied ciphertext, re-encrypted nothing). */
    private static void assertChunksUnchanged(Path oldFile, TsealHeader before, Path newFile, TsealHeader after) throws IOException {
        byte[] o = Files.readAllBytes(oldFile);
        byte[] n = Files.readAllBytes(newFile);
        assertEquals(before.tensors().size(), after.tensors().size());
        for (int t = 0; t < before.tensors().size(); t++) {
            TsealHeader.Entry eo = before.tensors().get(t);
            TsealHeader.Entry en = after.tensors().get(t);
            assertArrayEquals(Arrays.copyOfRange(o, (int) eo.dataOffsetBytes(), (int) eo.endBytes()),
                    Arrays.copyOfRange(n, (int) en.dataOffsetBytes(), (int) en.endBytes()), eo.info().name());
        }
    }

    @Test
    void everyByteOfTheRecipientListAndTheKeyKindIsCoveredWhateverIdentityOpens() throws IOException {
        Path a = dir.resolve("a.id");
        Path b = dir.resolve("b.id");
        Path file = sealTo("m.tseal", List.of(SealedFile.newIdentity(a, "x25519"), SealedFile.newIdentity(b, "p256")));
        TsealHeader h = TsealReader.readUnverified(file);
        int end = TsealHeader.PREFIX_BYTES + RecipientStanza.encodedBytes(h.recipients());
        int tried = 0;
        try (KeySource ida = KeySource.identity(a); KeySource idb = KeySource.identity(b);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int at = 40; at < end; at++) {
                if (at == 72) {
                    at = TsealHeader.PREFIX_BYTES; // the key check and its salt are covered by the MAC tests
                }
                for (int bit : new int[] {0x01, 0x80}) {
                    flip(ch, at, bit);
                    KeySource id = (at + bit) % 2 == 0 ? ida : idb;
                    int offset = at;
                    IntegrityException e = assertThrows(IntegrityException.class, () -> SealedFile.open(file, id).close(),
                            "byte " + offset + " ^ " + bit);
                    assertFalse(e.getMessage().isEmpty());
                    flip(ch, at, bit);
                    tried++;
                }
            }
            assertArrayEquals(data(1), read(file, a), "the file is whole again");
        }
        assertEquals(2 * (32 + end - TsealHeader.PREFIX_BYTES), tried);
    }

    private static void flip(FileChannel ch, long at, int bit) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, at);
        one.put(0, (byte) (one.get(0) ^ bit)).rewind();
        ch.write(one, at);
    }

    @Test
    void aSecretGivenAsARecipientIsNotEchoedInTheError() {
        String hexKey = "8f3a9c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6";
        UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                () -> KeySource.recipients(List.of(hexKey)));
        assertFalse(e.getMessage().contains(hexKey.substring(0, 8)), e.getMessage());
        assertTrue(e.getMessage().contains("64 characters"), e.getMessage());
    }

    @Test
    void recipientTextsAreChecked() {
        assertThrows(UnsupportedParameterException.class, () -> KeySource.recipients(List.of("age1abc")));
        assertThrows(UnsupportedParameterException.class, () -> KeySource.recipients(List.of("tseal1-x448-AAAA")));
        assertThrows(UnsupportedParameterException.class, () -> KeySource.recipients(List.of("tseal1-x25519-AAAA")));
        assertThrows(UnsupportedParameterException.class, () -> KeySource.recipients(List.of()));
        // 65 bytes that are not a P-256 point
        String notAPoint = "tseal1-p256-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[65]);
        assertThrows(UnsupportedParameterException.class, () -> KeySource.recipients(List.of(notAPoint)));
    }
}
