package dev.tensorseal.vectors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Wycheproof JSON: {@code aead_test_schema_v1} (AES-GCM only) and {@code hkdf_test_schema_v1}.
 * Read with Jackson's streaming parser into plain maps and lists (the files are small; jackson-core
 * has no tree model and databind would be a second dependency for no gain).
 */
public final class WycheproofJson {
    private static final JsonFactory JSON = new JsonFactory();

    private WycheproofJson() {}

    /** The file's {@code schema} field, e.g. {@code aead_test_schema_v1.json}. */
    public static String schema(String file, String content) throws MalformedVectorsException {
        return string(root(file, content), "schema", file);
    }

    /** AES-GCM cases of an {@code aead_test_schema} file whose algorithm is {@code AES-GCM}. */
    public static List<GcmCase> parseAesGcm(String file, String content) throws MalformedVectorsException {
        Map<String, Object> root = root(file, content);
        String schema = string(root, "schema", file);
        String algorithm = string(root, "algorithm", file);
        if (!schema.startsWith("aead_test_schema") || !algorithm.equals("AES-GCM")) {
            throw new MalformedVectorsException(file + ": expected an aead_test_schema file for AES-GCM, got " + schema + " for " + algorithm);
        }
        List<GcmCase> cases = new ArrayList<>();
        for (Map<String, Object> group : objects(root, "testGroups", file)) {
            int tagBits = integer(group, "tagSize", file);
            for (Map<String, Object> t : objects(group, "tests", file)) {
                String where = file + "#tcId=" + integer(t, "tcId", file);
                cases.add(new GcmCase(
                        where,
                        Hex.decode(string(t, "key", where), where),
                        Hex.decode(string(t, "iv", where), where),
                        Hex.decode(string(t, "aad", where), where),
                        Hex.decode(string(t, "msg", where), where),
                        Hex.decode(string(t, "ct", where), where),
                        Hex.decode(string(t, "tag", where), where),
                        tagBits / 8,
                        Expected.ofWycheproof(string(t, "result", where)),
                        strings(t, "flags")));
            }
        }
        return cases;
    }

    /** HKDF cases of an {@code hkdf_test_schema} file; the hash comes from {@code algorithm} ({@code HKDF-SHA-256}). */
    public static List<HkdfCase> parseHkdf(String file, String content) throws MalformedVectorsException {
        Map<String, Object> root = root(file, content);
        String schema = string(root, "schema", file);
        String algorithm = string(root, "algorithm", file);
        if (!schema.startsWith("hkdf_test_schema") || !algorithm.startsWith("HKDF-")) {
            throw new MalformedVectorsException(file + ": expected an hkdf_test_schema file, got " + schema + " for " + algorithm);
        }
        String hash = algorithm.substring("HKDF-".length());
        List<HkdfCase> cases = new ArrayList<>();
        for (Map<String, Object> group : objects(root, "testGroups", file)) {
            for (Map<String, Object> t : objects(group, "tests", file)) {
                String where = file + "#tcId=" + integer(t, "tcId", file);
                cases.add(new HkdfCase(
                        where,
                        hash,
                        Hex.decode(string(t, "ikm", where), where),
                        Hex.decode(string(t, "salt", where), where),
                        Hex.decode(string(t, "info", where), where),
                        integer(t, "size", where),
                        null,
                        Hex.decode(string(t, "okm", where), where),
                        Expected.ofWycheproof(string(t, "result", where))));
            }
        }
        return cases;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> root(String file, String content) throws MalformedVectorsException {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), content)) {
            Object v = read(p, p.nextToken());
            if (!(v instanceof Map)) {
                throw new MalformedVectorsException(file + ": not a JSON object");
            }
            if (p.nextToken() != null) {
                throw new MalformedVectorsException(file + ": trailing content after the JSON object");
            }
            return (Map<String, Object>) v;
        } catch (JacksonException e) {
            throw new MalformedVectorsException(file + ": bad JSON: " + e.getOriginalMessage());
        }
    }

    private static Object read(JsonParser p, JsonToken t) {
        if (t == null) {
            return null;
        }
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(read(p, e));
                }
                yield l;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    private static String string(Map<String, Object> m, String key, String where) throws MalformedVectorsException {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new MalformedVectorsException(where + ": missing string field '" + key + "'");
    }

    private static int integer(Map<String, Object> m, String key, String where) throws MalformedVectorsException {
        if (m.get(key) instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        throw new MalformedVectorsException(where + ": missing integer field '" + key + "'");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Map<String, Object> m, String key, String where) throws MalformedVectorsException {
        if (m.get(key) instanceof List<?> l && l.stream().allMatch(e -> e instanceof Map)) {
            return (List<Map<String, Object>>) l;
        }
        throw new MalformedVectorsException(where + ": missing array of objects '" + key + "'");
    }

    private static List<String> strings(Map<String, Object> m, String key) {
        if (m.get(key) instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
