package dev.tensorseal.internal.signing;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.internal.json.BoundedJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A bounded JSON document as maps, lists, strings, numbers (as text), booleans and nulls, with typed getters that
 * fail with the path of the field: signature bundles and statements are small, and a tree is easier to check
 * than a token stream.
 */
final class JsonTree {
    private JsonTree() {}

    static Map<String, Object> parseObject(byte[] json, long maxBytes, String what) {
        try (JsonParser p = BoundedJson.parser(json, 0, json.length, maxBytes)) {
            Object root = value(p, p.nextToken(), what);
            if (p.nextToken() != null) {
                throw new IntegrityException(what + ": trailing data after the JSON document");
            }
            return object(root, what);
        } catch (JacksonException e) {
            throw new IntegrityException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Object value(JsonParser p, JsonToken t, String what) {
        if (t == null) {
            throw new IntegrityException(what + " is empty");
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken(), what));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    l.add(value(p, v, what));
                }
                return l;
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getString();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IntegrityException(what + ": unexpected JSON token " + t);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String path) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IntegrityException(path + " must be a JSON object");
    }

    static Map<String, Object> object(Map<String, Object> m, String key, String path) {
        return object(m.get(key), path + "." + key);
    }

    static List<?> list(Map<String, Object> m, String key, String path) {
        if (m.get(key) instanceof List<?> l) {
            return l;
        }
        throw new IntegrityException(path + "." + key + " must be a JSON array");
    }

    static String string(Map<String, Object> m, String key, String path) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IntegrityException(path + "." + key + " must be a string");
    }

    static void expect(Map<String, Object> m, String key, String value, String path) {
        String got = string(m, key, path);
        if (!got.equals(value)) {
            throw new IntegrityException(path + "." + key + " is '" + got + "', expected '" + value + "'");
        }
    }
}
