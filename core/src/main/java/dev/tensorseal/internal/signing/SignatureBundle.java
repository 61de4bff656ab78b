package dev.tensorseal.internal.signing;

import static dev.tensorseal.internal.signing.JsonTree.list;
import static dev.tensorseal.internal.signing.JsonTree.object;
import static dev.tensorseal.internal.signing.JsonTree.string;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.internal.json.BoundedJson;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * A Sigstore bundle (v0.3 JSON) holding a DSSE envelope signed with a key, as OpenSSF model signing writes for
 * {@code sign key}: the verification material is a hint (SHA-256 of the public key's PEM), no transparency log.
 */
final class SignatureBundle {
    static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    static final int MAX_BYTES = 4 << 20;

    private SignatureBundle() {}

    static byte[] sign(byte[] payload, PrivateKey privateKey, PublicKey publicKey) {
        byte[] sig;
        try {
            Signature s = Signature.getInstance(SigningKeys.signatureAlgorithm(privateKey, "the signing key"));
            s.initSign(privateKey);
            s.update(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed: " + e.getMessage(), e);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = BoundedJson.generator(out)) {
            g.writeStartObject();
            g.writeStringProperty("mediaType", MEDIA_TYPE);
            g.writeObjectPropertyStart("verificationMaterial");
            g.writeObjectPropertyStart("publicKey");
            g.writeStringProperty("hint", hint(publicKey));
            g.writeEndObject();
            g.writeArrayPropertyStart("tlogEntries");
            g.writeEndArray();
            g.writeEndObject();
            g.writeObjectPropertyStart("dsseEnvelope");
            g.writeStringProperty("payload", b64.encodeToString(payload));
            g.writeStringProperty("payloadType", Dsse.IN_TOTO_PAYLOAD_TYPE);
            g.writeArrayPropertyStart("signatures");
            g.writeStartObject();
            g.writeStringProperty("sig", b64.encodeToString(sig));
            g.writeStringProperty("keyid", "");
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * The envelope's payload, once its signature verified under {@code publicKey}; nothing in the payload is
     * looked at before that.
     *
     * @throws IntegrityException when the bundle is malformed, names another key, or its signature does not verify
     */
    static byte[] verify(byte[] bundle, PublicKey publicKey) {
        String p = "signature bundle";
        Map<String, Object> b = JsonTree.parseObject(bundle, MAX_BYTES, p);
        String media = string(b, "mediaType", p);
        if (!media.startsWith("application/vnd.dev.sigstore.bundle.")) {
            throw new IntegrityException(p + ": mediaType '" + media + "' is not a Sigstore bundle");
        }
        Map<String, Object> material = object(b, "verificationMaterial", p);
        if (material.get("publicKey") instanceof Map<?, ?> pk && pk.get("hint") instanceof String h && !h.isEmpty()
                && !h.equals(hint(publicKey))) {
            throw new IntegrityException("the file was signed by another key (the signature names key " + h + ")");
        }
        Map<String, Object> env = object(b, "dsseEnvelope", p);
        String type = string(env, "payloadType", p + ".dsseEnvelope");
        if (!type.equals(Dsse.IN_TOTO_PAYLOAD_TYPE)) {
            throw new IntegrityException(p + ": payloadType '" + type + "', expected " + Dsse.IN_TOTO_PAYLOAD_TYPE);
        }
        byte[] payload = base64(string(env, "payload", p + ".dsseEnvelope"), "payload");
        List<?> sigs = list(env, "signatures", p + ".dsseEnvelope");
        if (sigs.size() != 1) {
            throw new IntegrityException(p + " has " + sigs.size() + " signatures, expected 1");
        }
        byte[] sig = base64(string(object(sigs.get(0), p + ".signatures[0]"), "sig", p + ".signatures[0]"), "signature");
        try {
            Signature s = Signature.getInstance(SigningKeys.signatureAlgorithm(publicKey, "the signer key"));
            s.initVerify(publicKey);
            s.update(Dsse.pae(type, payload));
            if (!s.verify(sig)) {
                throw new IntegrityException("the signature does not verify under the given signer key");
            }
        } catch (SignatureException e) {
            throw new IntegrityException("the signature does not verify under the given signer key (malformed ECDSA signature)");
        } catch (InvalidKeyException e) {
            throw new IntegrityException("the signer key cannot verify ECDSA: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ECDSA", e);
        }
        return payload;
    }

    /** model_signing's key identifier: SHA-256 (hex) of the public key's SubjectPublicKeyInfo PEM. */
    static String hint(PublicKey key) {
        return HexFormat.of().formatHex(FileSha256.of(SigningKeys.publicPem(key)));
    }

    private static byte[] base64(String s, String what) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("the signature bundle's " + what + " is not base64");
        }
    }
}
