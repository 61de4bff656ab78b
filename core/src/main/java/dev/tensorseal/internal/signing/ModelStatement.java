package dev.tensorseal.internal.signing;

import static dev.tensorseal.internal.signing.JsonTree.expect;
import static dev.tensorseal.internal.signing.JsonTree.list;
import static dev.tensorseal.internal.signing.JsonTree.object;
import static dev.tensorseal.internal.signing.JsonTree.string;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.internal.json.BoundedJson;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * The in-toto statement of OpenSSF model signing v1.0 for a one-file model: the file is the resource {@code "."}
 * with its SHA-256, and the subject (named after the file) carries SHA-256 over the resource digests, as the
 * model_signing library computes it. A statement whose digests disagree with each other or with the file fails.
 */
final class ModelStatement {
    static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
    static final int MAX_BYTES = 1 << 20;

    private ModelStatement() {}

    /** The statement's JSON for a file called {@code name} whose SHA-256 is {@code fileSha256}. */
    static byte[] of(String name, byte[] fileSha256) {
        HexFormat hex = HexFormat.of();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = BoundedJson.generator(out)) {
            g.writeStartObject();
            g.writeStringProperty("_type", STATEMENT_TYPE);
            g.writeArrayPropertyStart("subject");
            g.writeStartObject();
            g.writeStringProperty("name", name);
            g.writeObjectPropertyStart("digest");
            g.writeStringProperty("sha256", hex.formatHex(FileSha256.of(fileSha256)));
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeStringProperty("predicateType", PREDICATE_TYPE);
            g.writeObjectPropertyStart("predicate");
            g.writeObjectPropertyStart("serialization");
            g.writeStringProperty("method", "files");
            g.writeStringProperty("hash_type", "sha256");
            g.writeBooleanProperty("allow_symlinks", false);
            g.writeEndObject();
            g.writeArrayPropertyStart("resources");
            g.writeStartObject();
            g.writeStringProperty("name", ".");
            g.writeStringProperty("digest", hex.formatHex(fileSha256));
            g.writeStringProperty("algorithm", "sha256");
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Checks a signed statement against the file's SHA-256: one subject whose digest is SHA-256 of the resource
     * digests, one resource {@code "."} whose SHA-256 is the file's.
     *
     * @throws IntegrityException when the statement is malformed or does not describe these bytes
     */
    static void check(byte[] json, byte[] fileSha256) {
        String p = "statement";
        Map<String, Object> s = JsonTree.parseObject(json, MAX_BYTES, p);
        expect(s, "_type", STATEMENT_TYPE, p);
        expect(s, "predicateType", PREDICATE_TYPE, p);
        Map<String, Object> predicate = object(s, "predicate", p);
        Map<String, Object> serialization = object(predicate, "serialization", p + ".predicate");
        expect(serialization, "hash_type", "sha256", p + ".predicate.serialization");
        List<?> resources = list(predicate, "resources", p + ".predicate");
        if (resources.size() != 1) {
            throw new IntegrityException("the signature covers " + resources.size() + " files, expected 1 (the sealed file)");
        }
        Map<String, Object> r = object(resources.get(0), p + ".predicate.resources[0]");
        expect(r, "algorithm", "sha256", p + ".predicate.resources[0]");
        byte[] resourceDigest = hexDigest(string(r, "digest", p + ".predicate.resources[0]"), "resource digest");
        List<?> subjects = list(s, "subject", p);
        if (subjects.size() != 1) {
            throw new IntegrityException("the statement has " + subjects.size() + " subjects, expected 1");
        }
        Map<String, Object> digest = object(object(subjects.get(0), p + ".subject[0]"), "digest", p + ".subject[0]");
        byte[] root = hexDigest(string(digest, "sha256", p + ".subject[0].digest"), "subject digest");
        if (!java.security.MessageDigest.isEqual(root, FileSha256.of(resourceDigest))) {
            throw new IntegrityException("the statement's subject digest does not match its resource digests");
        }
        if (!java.security.MessageDigest.isEqual(resourceDigest, fileSha256)) {
            throw new IntegrityException("the file's SHA-256 is not the one signed: the file was changed after signing"
                    + " (or the signature is another file's)");
        }
    }

    private static byte[] hexDigest(String text, String what) {
        if (text.length() != 64) {
            throw new IntegrityException("the statement's " + what + " must be 64 hex digits, got " + text.length() + " characters");
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("the statement's " + what + " is not hex");
        }
    }
}
