package dev.tensorseal.internal.tseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.keys.HpkeStanza;
import dev.tensorseal.internal.keys.RecipientKey;
import dev.tensorseal.internal.keys.RecipientStanza;
import dev.tensorseal.internal.store.SealedStore;
import dev.tensorseal.internal.store.StoreSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An entry of a type this build does not know (another wrapping, FORMAT.md's reserved and private-use types) is
 * skipped when opening, and a rewrite that would drop it (save, add or remove a recipient) is refused.
 */
class ForeignRecipientEntryTest {
    @TempDir Path dir;

    @Test
    void anUnknownEntryTypeIsSkippedOnOpenAndBlocksARewrite() throws Exception {
        Path id = dir.resolve("a.id");
        RecipientKey a = RecipientKey.parse(SealedFile.newIdentity(id, "x25519"));
        RecipientKey b = RecipientKey.parse(SealedFile.newIdentity(dir.resolve("b.id"), "x25519"));
        String other = SealedFile.newIdentity(dir.resolve("c.id"), "p256");
        byte[] masterBytes = new byte[32];
        new java.security.SecureRandom().nextBytes(masterBytes);
        Path file = dir.resolve("m.tseal");
        try (SecretBytes master = SecretBytes.takeAndWipe(masterBytes.clone());
                KeySource key = KeySource.bytes(master.insecureSegment());
                TensorStore store = TensorStore.builder().keySource(key).build()) {
            store.put("w", DType.U8, new long[] {3}, new byte[] {7, 8, 9});
            StoreSnapshot snap = sealed(store).snapshot();
            List<RecipientStanza> stanzas = List.of(new RecipientStanza(0x8000, new byte[] {1, 2, 3}),
                    HpkeStanza.wrap(a, master, snap.storeId()), HpkeStanza.wrap(b, master, snap.storeId()));
            TsealWriter.write(snap, key, null, stanzas, Map.of("source", "store"), file, null, null);
        }
        java.util.Arrays.fill(masterBytes, (byte) 0);
        try (KeySource identity = KeySource.identity(id)) {
            try (TensorStore s = SealedFile.open(file, identity); TensorView v = s.read("w")) {
                assertArrayEquals(new byte[] {7, 8, 9}, v.toByteArray());
                UnsupportedParameterException e = assertThrows(UnsupportedParameterException.class,
                        () -> SealedFile.save(s, dir.resolve("copy.tseal")));
                assertTrue(e.getMessage().contains("cannot write"), e.getMessage());
            }
            byte[] before = Files.readAllBytes(file);
            assertThrows(UnsupportedParameterException.class, () -> SealedFile.changeRecipients(file, identity, List.of(other), List.of()));
            assertThrows(UnsupportedParameterException.class, () -> SealedFile.changeRecipients(file, identity, List.of(),
                    List.of(b.text()))); // a removal draws a new secret the foreign entry does not wrap
            assertArrayEquals(before, Files.readAllBytes(file), "the file was not touched");
        }
        assertEquals(List.of("m.tseal", "a.id", "b.id", "c.id").stream().sorted().toList(),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(), "no stray output");
        assertEquals(0x8000, TsealReader.readUnverified(file).recipients().get(0).type());
    }

    /** The store behind the facade (a test-only look inside: this test writes a header by hand). */
    private static SealedStore sealed(TensorStore store) throws ReflectiveOperationException {
        java.lang.reflect.Field f = TensorStore.class.getDeclaredField("store");
        f.setAccessible(true);
        return (SealedStore) f.get(store);
    }
}
