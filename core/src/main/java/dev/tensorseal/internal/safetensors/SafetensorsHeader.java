package dev.tensorseal.internal.safetensors;

import dev.tensorseal.internal.json.BoundedJson;
import dev.tensorseal.internal.store.TensorNames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A parsed, validated safetensors header: tensors in data order and the {@code __metadata__} string map.
 * Parsing is strict (https://huggingface.co/docs/safetensors): the tensors must cover the data buffer
 * exactly, with no holes or overlaps, and each byte range must equal shape x element size.
 */
public record SafetensorsHeader(List<SafetensorsEntry> tensors, Map<String, String> metadata) {
    /** The limit the reference implementation applies to the JSON header. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final int MAX_RANK = 64;

    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Total bytes of the data buffer the tensors index. */
    public long dataBytes() {
        return tensors.isEmpty() ? 0 : tensors.getLast().endBytes();
    }

    /**
     * Parses and validates a header.
     *
     * @param json the header bytes (after the 8-byte length)
     * @param bufferBytes the size of the data buffer that follows the header in the file
     * @param source names the file in error messages
     */
    public static SafetensorsHeader parse(byte[] json, long bufferBytes, String source) {
        if (json.length == 0 || json[0] != '{') {
            throw new SafetensorsException(source + ": header does not start with '{'");
        }
        List<SafetensorsEntry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = BoundedJson.parser(json, 0, json.length, MAX_HEADER_BYTES)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, source, "header");
            String name;
            while ((name = p.nextName()) != null) {
                if (name.equals("__metadata__")) {
                    readMetadata(p, metadata, source);
                } else {
                    entries.add(readEntry(p, name, source));
                }
            }
            if (p.nextToken() != null) {
                throw new SafetensorsException(source + ": trailing data after the header object");
            }
        } catch (JacksonException e) {
            throw new SafetensorsException(source + ": malformed header JSON: " + e.getOriginalMessage());
        }
        entries.sort(Comparator.comparingLong(SafetensorsEntry::beginBytes).thenComparingLong(SafetensorsEntry::endBytes));
        long expectedBegin = 0;
        for (SafetensorsEntry e : entries) {
            if (e.beginBytes() != expectedBegin) {
                throw new SafetensorsException(source + ": tensor '" + e.name() + "' starts at " + e.beginBytes()
                        + " but the previous tensor ends at " + expectedBegin + " (holes and overlaps are not allowed)");
            }
            expectedBegin = e.endBytes();
        }
        if (expectedBegin != bufferBytes) {
            throw new SafetensorsException(source + ": tensors index " + expectedBegin + " data bytes but the file holds "
                    + bufferBytes);
        }
        return new SafetensorsHeader(entries, metadata);
    }

    private static void readMetadata(JsonParser p, Map<String, String> metadata, String source) {
        expect(p.nextToken(), JsonToken.START_OBJECT, source, "__metadata__");
        String key;
        while ((key = p.nextName()) != null) {
            expect(p.nextToken(), JsonToken.VALUE_STRING, source, "__metadata__." + key);
            metadata.put(key, p.getString());
        }
    }

    private static SafetensorsEntry readEntry(JsonParser p, String name, String source) {
        if (name.isEmpty()) {
            throw new SafetensorsException(source + ": a tensor has an empty name (tensorseal needs a name to find it by)");
        }
        String problem = TensorNames.problem(name); // the store's one rule, checked where the name enters
        if (problem != null) {
            throw new SafetensorsException(source + ": " + problem);
        }
        String where = "tensor '" + name + "'";
        expect(p.nextToken(), JsonToken.START_OBJECT, source, where);
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        String field;
        while ((field = p.nextName()) != null) {
            switch (field) {
                case "dtype" -> {
                    expect(p.nextToken(), JsonToken.VALUE_STRING, source, where + " dtype");
                    dtype = p.getString();
                }
                case "shape" -> shape = readLongs(p, source, where + " shape", MAX_RANK);
                case "data_offsets" -> offsets = readLongs(p, source, where + " data_offsets", 2);
                default -> throw new SafetensorsException(source + ": " + where + " has unknown field '" + field + "'");
            }
        }
        if (dtype == null || shape == null || offsets == null || offsets.length != 2) {
            throw new SafetensorsException(source + ": " + where + " needs dtype, shape and two data_offsets");
        }
        int elementBytes = SafetensorsEntry.elementBytes(dtype);
        if (elementBytes < 0) {
            throw new SafetensorsException(source + ": " + where + " has unsupported dtype '" + dtype + "'");
        }
        if (offsets[1] < offsets[0]) {
            throw new SafetensorsException(source + ": " + where + " data_offsets end before they begin");
        }
        long bytes = elementBytes;
        for (long d : shape) {
            try {
                bytes = Math.multiplyExact(bytes, d);
            } catch (ArithmeticException e) {
                throw new SafetensorsException(source + ": " + where + " shape overflows 64 bits");
            }
        }
        if (bytes != offsets[1] - offsets[0]) {
            throw new SafetensorsException(source + ": " + where + " shape needs " + bytes + " bytes but data_offsets span "
                    + (offsets[1] - offsets[0]));
        }
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] readLongs(JsonParser p, String source, String where, int max) {
        expect(p.nextToken(), JsonToken.START_ARRAY, source, where);
        long[] values = new long[Math.min(max, 8)];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new SafetensorsException(source + ": " + where + " must hold non-negative integers below 2^63");
            }
            long v = p.getLongValue();
            if (v < 0) {
                throw new SafetensorsException(source + ": " + where + " holds a negative value");
            }
            if (n == max) {
                throw new SafetensorsException(source + ": " + where + " has more than " + max + " values");
            }
            if (n == values.length) {
                values = java.util.Arrays.copyOf(values, Math.min(max, n * 2));
            }
            values[n++] = v;
        }
        return java.util.Arrays.copyOf(values, n);
    }

    private static void expect(JsonToken actual, JsonToken wanted, String source, String where) {
        if (actual != wanted) {
            throw new SafetensorsException(source + ": " + where + " must be " + describe(wanted) + ", found "
                    + (actual == null ? "end of header" : describe(actual)));
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * Encodes this header the way the reference writer does (compact JSON, {@code __metadata__} first, tensors
     * in data order), padded with spaces to a multiple of 8 bytes so the data buffer stays aligned.
     */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = BoundedJson.generator(out)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeName("__metadata__");
                g.writeStartObject();
                for (var e : metadata.entrySet()) {
                    g.writeName(e.getKey());
                    g.writeString(e.getValue());
                }
                g.writeEndObject();
            }
            for (SafetensorsEntry e : tensors) {
                g.writeName(e.name());
                g.writeStartObject();
                g.writeName("dtype");
                g.writeString(e.dtype());
                g.writeName("shape");
                g.writeStartArray();
                for (long d : e.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeName("data_offsets");
                g.writeStartArray();
                g.writeNumber(e.beginBytes());
                g.writeNumber(e.endBytes());
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        int pad = (8 - out.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            out.write(' ');
        }
        return out.toByteArray();
    }

    /** The 8-byte little-endian length prefix for a header of {@code headerBytes}. */
    static byte[] lengthPrefix(int headerBytes) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes).array();
    }
}
