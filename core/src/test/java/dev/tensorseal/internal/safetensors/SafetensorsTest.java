package dev.tensorseal.internal.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir Path dir;

    /** Writes a small file with mixed dtypes; returns its bytes. */
    static byte[] sample(Path file, long seed) throws IOException {
        List<SafetensorsWriter.Declared> tensors = List.of(
                new SafetensorsWriter.Declared("embed.weight", "BF16", new long[] {3, 5}),
                new SafetensorsWriter.Declared("layer.0.bias", "F32", new long[] {7}),
                new SafetensorsWriter.Declared("scalar", "I64", new long[] {}),
                new SafetensorsWriter.Declared("empty", "F16", new long[] {0, 4}),
                new SafetensorsWriter.Declared("mask", "BOOL", new long[] {2, 2}));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafetensorsWriter w = new SafetensorsWriter(ch, tensors, Map.of("format", "pt"));
            byte[] data = new byte[30 + 28 + 8 + 0 + 4];
            new Random(seed).nextBytes(data);
            w.write(ByteBuffer.wrap(data));
            w.finish();
        }
        return Files.readAllBytes(file);
    }

    @Test
    void writtenFileReadsBackWithHeaderAlignedAndBytesInPlace() throws IOException {
        Path file = dir.resolve("m.safetensors");
        byte[] all = sample(file, 1);
        long headerBytes = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerBytes % 8);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            SafetensorsHeader h = f.header();
            assertEquals(Map.of("format", "pt"), h.metadata());
            assertEquals(List.of("embed.weight", "layer.0.bias", "scalar", "empty", "mask"),
                    h.tensors().stream().map(SafetensorsEntry::name).toList());
            SafetensorsEntry bias = h.tensors().get(1);
            ByteBuffer got = ByteBuffer.allocate(28);
            f.read(bias, 0, got);
            byte[] expected = java.util.Arrays.copyOfRange(all, (int) (8 + headerBytes + 30), (int) (8 + headerBytes + 58));
            assertArrayEquals(expected, got.array());
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 8, (int) (8 + headerBytes)), h.encode());
        }
    }

    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path file = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(file, b.array());
        return file;
    }

    private String rejection(String json, int dataBytes) throws IOException {
        Path file = withHeader(json, dataBytes);
        return assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close()).getMessage();
    }

    @Test
    void strictParsingRejectsEachMalformedHeaderWithItsReason() throws IOException {
        assertTrue(rejection("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8).contains("holes"));
        assertTrue(rejection("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8).contains("overlaps"));
        assertTrue(rejection("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8).contains("file holds 8"));
        assertTrue(rejection("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,4]}}", 4).contains("needs 12"));
        assertTrue(rejection("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4).contains("unsupported dtype"));
        assertTrue(rejection("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4).contains("malformed"));
        assertTrue(rejection("{\"__metadata__\":{\"k\":1}}", 0).contains("must be a string"));
        assertTrue(rejection("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4).contains("negative"));
        assertTrue(rejection("{\"a\":{\"dtype\":\"U8\",\"shape\":[99999999999,99999999999],\"data_offsets\":[0,4]}}", 4)
                .contains("overflows"));
        assertTrue(rejection("[]", 0).contains("start with"));
        assertTrue(rejection("{} x", 0).contains("malformed"));
    }

    @Test
    void absurdHeaderLengthIsRejectedBeforeAllocating() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        String m = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close()).getMessage();
        assertTrue(m.contains("header length"), m);
    }

    @Test
    void shardIndexIsCrossCheckedAgainstShards() throws IOException {
        sample(dir.resolve("model-00001-of-00001.safetensors"), 2);
        String map = "\"embed.weight\":\"model-00001-of-00001.safetensors\",\"layer.0.bias\":\"model-00001-of-00001.safetensors\","
                + "\"scalar\":\"model-00001-of-00001.safetensors\",\"empty\":\"model-00001-of-00001.safetensors\"";
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\":{\"total_size\":70},\"weight_map\":{" + map
                + ",\"mask\":\"model-00001-of-00001.safetensors\"}}");
        try (ShardedCheckpoint c = ShardedCheckpoint.open(index)) {
            assertEquals(1, c.shards().size());
            assertEquals("70", c.index().metadataJson().get("total_size"));
        }
        Files.writeString(index, "{\"weight_map\":{" + map + "}}");
        String m = assertThrows(SafetensorsException.class, () -> ShardedCheckpoint.open(index).close()).getMessage();
        assertTrue(m.contains("'mask' is not in the index"), m);
        Files.writeString(index, "{\"weight_map\":{\"a\":\"../etc/passwd\"}}");
        m = assertThrows(SafetensorsException.class, () -> ShardedCheckpoint.open(index).close()).getMessage();
        assertTrue(m.contains("not a plain file name"), m);
    }
}
