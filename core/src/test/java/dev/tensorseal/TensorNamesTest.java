package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every name a store accepts survives save, export to safetensors, re-import and export again; others are refused. */
class TensorNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "tab\there", "nul\u0000", "del\u007f", "c1\u0085", "lone\ud800", "\udc00x", "__metadata__", ""})
    void putRefusesANameThatCouldNotRoundTripAndSaysWhy(String name) {
        try (TensorStore store = TensorStore.builder().keySource(StoreFixtures.key(1)).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.put(name, new float[] {1}, 1));
            assertTrue(e.getMessage().startsWith("tensor name"), e.getMessage());
            assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), "the message prints on one line: " + e.getMessage());
            assertEquals(List.of(), store.list());
        }
    }

    @Test
    void unusualButValidNamesRoundTripThroughSaveExportAndReimport(@TempDir Path dir) throws Exception {
        List<String> names = List.of("层.权重", "emoji 🙂 name", "__metadata", "a.b/c:d", "x y");
        Path sealed = dir.resolve("s.tseal");
        try (KeySource key = StoreFixtures.key(2); TensorStore store = TensorStore.builder().keySource(key).build()) {
            for (int i = 0; i < names.size(); i++) {
                store.put(names.get(i), new float[] {i}, 1);
            }
            SealedFile.save(store, key, sealed);
        }
        Path exported = dir.resolve("e.safetensors");
        Path resealed = dir.resolve("r.tseal");
        Path again = dir.resolve("again.safetensors");
        try (KeySource key = StoreFixtures.key(2)) {
            SealedFile.exportSafetensors(sealed, key, exported);
            SealedFile.importSafetensors(exported, key, resealed);
            SealedFile.exportSafetensors(resealed, key, again);
            try (TensorStore store = SealedFile.open(resealed, key)) {
                assertEquals(names.stream().sorted().toList(), store.list().stream().map(TensorInfo::name).toList());
                for (int i = 0; i < names.size(); i++) {
                    try (TensorView v = store.read(names.get(i))) {
                        assertEquals((float) i, v.getFloat(0));
                    }
                }
            }
        }
        assertArrayEquals(Files.readAllBytes(exported), Files.readAllBytes(again), "a second export is byte-identical");
    }

    @Test
    void importingASafetensorsTensorNamedWithANewlineIsRefusedAndWritesNothing(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("nl.safetensors");
        Files.write(in, safetensorsOneByteTensor("a\\nb"));
        Path out = dir.resolve("nl.tseal");
        try (KeySource key = StoreFixtures.key(3)) {
            TensorSealException e = assertThrows(TensorSealException.class, () -> SealedFile.importSafetensors(in, key, out));
            assertEquals("nl.safetensors: tensor name 'a\\u000Ab' has a control character (U+000A) at index 1: names must not"
                    + " contain line breaks or other control characters", e.getMessage());
        }
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(in), files.toList(), "no temporary file is left either");
        }
    }

    /** A safetensors file with one U8[1] tensor; {@code jsonName} is the name as it appears in JSON (escapes allowed). */
    private static byte[] safetensorsOneByteTensor(String jsonName) {
        byte[] header = ("{\"" + jsonName + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}").getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(header);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        b.put((byte) 42);
        return b.array();
    }
}
