package dev.tensorseal.internal.safetensors;

import dev.tensorseal.internal.json.BoundedJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * {@code model.safetensors.index.json} of a sharded checkpoint: {@code weight_map} (tensor name to shard file
 * name) and {@code metadata}, whose values are kept as their JSON text ({@code "total_size": 123}).
 * Shard names are plain file names in the index's directory; anything with a path separator is rejected.
 */
public record ShardIndex(Map<String, String> weightMap, Map<String, String> metadataJson) {
    static final long MAX_INDEX_BYTES = 64L << 20;

    public ShardIndex {
        weightMap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
        metadataJson = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadataJson));
    }

    /** Shard file names in the order they first appear in the weight map, sorted by name. */
    public List<String> shardNames() {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(weightMap.values()));
        names.sort(null);
        return names;
    }

    /** Reads and validates an index file. */
    public static ShardIndex read(Path index) throws IOException {
        long size = Files.size(index);
        String source = index.getFileName().toString();
        if (size > MAX_INDEX_BYTES) {
            throw new SafetensorsException(source + ": " + size + " bytes is larger than the " + MAX_INDEX_BYTES
                    + "-byte limit for a shard index");
        }
        byte[] json = Files.readAllBytes(index);
        Map<String, String> weights = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = BoundedJson.parser(json, 0, json.length, MAX_INDEX_BYTES)) {
            require(p.nextToken() == JsonToken.START_OBJECT, source, "the index must be a JSON object");
            String field;
            while ((field = p.nextName()) != null) {
                JsonToken t = p.nextToken();
                if (field.equals("weight_map")) {
                    require(t == JsonToken.START_OBJECT, source, "weight_map must be an object");
                    String tensor;
                    while ((tensor = p.nextName()) != null) {
                        require(p.nextToken() == JsonToken.VALUE_STRING, source, "weight_map values must be strings");
                        String shard = p.getString();
                        require(isPlainFileName(shard), source, "shard name '" + shard + "' is not a plain file name");
                        weights.put(tensor, shard);
                    }
                } else if (field.equals("metadata")) {
                    require(t == JsonToken.START_OBJECT, source, "metadata must be an object");
                    String key;
                    while ((key = p.nextName()) != null) {
                        JsonToken v = p.nextToken();
                        require(v.isScalarValue(), source, "metadata values must be strings or numbers");
                        metadata.put(key, v == JsonToken.VALUE_STRING ? quote(p.getString()) : p.getString());
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new SafetensorsException(source + ": malformed index JSON: " + e.getOriginalMessage());
        }
        require(!weights.isEmpty(), source, "weight_map is missing or empty");
        return new ShardIndex(weights, metadata);
    }

    /** Writes this index as pretty-enough JSON (one object, metadata first). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = BoundedJson.generator(out)) {
            g.writeStartObject();
            g.writeName("metadata");
            g.writeStartObject();
            for (var e : metadataJson.entrySet()) {
                g.writeName(e.getKey());
                g.writeRawValue(e.getValue());
            }
            g.writeEndObject();
            g.writeName("weight_map");
            g.writeStartObject();
            for (var e : weightMap.entrySet()) {
                g.writeName(e.getKey());
                g.writeString(e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** A name with no path in it: not empty, not . or .., no separator or NUL. */
    public static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    private static String quote(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = BoundedJson.generator(out)) {
            g.writeString(s);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void require(boolean ok, String source, String message) {
        if (!ok) {
            throw new SafetensorsException(source + ": " + message);
        }
    }
}
