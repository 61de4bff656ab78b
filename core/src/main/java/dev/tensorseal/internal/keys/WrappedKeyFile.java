package dev.tensorseal.internal.keys;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.json.BoundedJson;
import dev.tensorseal.internal.tseal.TsealWriter;
import dev.tensorseal.nativebridge.internal.pkcs11.Pkcs11Token.Wrapping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A file's master key wrapped by a token key ({@code FILE.tseal.p11key}, JSON, FORMAT.md): which token and key
 * label, the mechanism, the GCM IV where used, and the wrapped bytes. It holds nothing secret (only the token can
 * unwrap it) and is not trusted: a changed one fails the token's unwrap or, if it unwraps to another key, the
 * header MAC.
 */
record WrappedKeyFile(String token, String object, Wrapping wrapping, byte[] iv, byte[] wrapped) {
    static final String FORMAT = "tensorseal-pkcs11-wrapped-key";
    static final int VERSION = 1;
    static final String SUFFIX = ".p11key";
    private static final int MAX_BYTES = 64 << 10;

    /** Where the wrapped key of {@code tseal} lies. */
    static Path beside(Path tseal) {
        return tseal.resolveSibling(tseal.getFileName() + SUFFIX);
    }

    /** The AAD a GCM-wrapped master key is bound to: the format, its version and the key label. */
    byte[] aad() {
        return (FORMAT + "/" + VERSION + "/" + object).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    void write(Path target) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = BoundedJson.generator(out)) {
            g.writeStartObject();
            g.writeStringProperty("format", FORMAT);
            g.writeNumberProperty("version", VERSION);
            g.writeStringProperty("token", token == null ? "" : token);
            g.writeStringProperty("object", object);
            g.writeStringProperty("mechanism", wrapping.ckmName());
            g.writeStringProperty("iv", b64.encodeToString(iv));
            g.writeStringProperty("wrapped", b64.encodeToString(wrapped));
            g.writeEndObject();
        }
        out.write('\n');
        byte[] bytes = out.toByteArray();
        TsealWriter.atomicWrite(target, false, PosixFilePermissions.fromString("rw-r--r--"), ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        });
    }

    static WrappedKeyFile read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new TensorSealException("no wrapped key file " + file + " (a file sealed under a pkcs11: key needs the "
                    + SUFFIX + " file that seal wrote beside it)");
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IntegrityException("wrapped key file " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        byte[] json = Files.readAllBytes(file);
        Map<String, String> f = new HashMap<>();
        try (JsonParser p = BoundedJson.parser(json, 0, json.length, MAX_BYTES)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IntegrityException("wrapped key file " + file + " is not a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NUMBER_INT) {
                    throw new IntegrityException("wrapped key file " + file + ": field " + name + " must be a string");
                }
                f.put(name, p.getString());
            }
        } catch (JacksonException e) {
            throw new IntegrityException("wrapped key file " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (!FORMAT.equals(f.get("format")) || !String.valueOf(VERSION).equals(f.get("version"))) {
            throw new IntegrityException("wrapped key file " + file + " is not a " + FORMAT + " version " + VERSION + " file");
        }
        Wrapping w = Wrapping.named(String.valueOf(f.get("mechanism")));
        if (w == null) {
            throw new IntegrityException("wrapped key file " + file + ": unknown mechanism '" + f.get("mechanism") + "'");
        }
        String object = f.get("object");
        if (object == null || object.isEmpty()) {
            throw new IntegrityException("wrapped key file " + file + " names no key (object)");
        }
        try {
            Base64.Decoder d = Base64.getDecoder();
            String token = f.getOrDefault("token", "");
            return new WrappedKeyFile(token.isEmpty() ? null : token, object, w, d.decode(f.getOrDefault("iv", "")),
                    d.decode(f.getOrDefault("wrapped", "")));
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("wrapped key file " + file + ": iv or wrapped is not base64");
        }
    }
}
