package dev.tensorseal.internal.keys;

import dev.tensorseal.UnsupportedParameterException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * An RFC 7512 {@code pkcs11:} URI naming a token's secret key: path attributes {@code token}, {@code serial},
 * {@code object} (the key's label, required) and {@code type} (must be {@code secret-key} if given); query
 * attributes {@code module-path} (else {@value #MODULE_ENV}) and {@code pin-source} ({@code file:PATH}, or
 * tensorseal's {@code env:VAR}). {@code pin-value} is refused: a PIN in a URI ends up in shell history and logs.
 */
public record Pkcs11Uri(Path module, String token, String serial, String object, String pinSource) {
    /** The environment variable naming the PKCS#11 module when the URI has no {@code module-path}. */
    public static final String MODULE_ENV = "TENSORSEAL_PKCS11_MODULE";

    /** Parses {@code text}; {@code moduleFromEnv} is the value of {@value #MODULE_ENV} (may be null). */
    public static Pkcs11Uri parse(String text, String moduleFromEnv) {
        if (!text.startsWith("pkcs11:")) {
            throw new UnsupportedParameterException("not a pkcs11: URI: '" + text + "'");
        }
        String rest = text.substring("pkcs11:".length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q + 1);
        String token = null, serial = null, object = null, module = null, pinSource = null;
        for (String attr : path.isEmpty() ? new String[0] : path.split(";")) {
            String[] kv = pair(attr, text);
            switch (kv[0]) {
                case "token" -> token = kv[1];
                case "serial" -> serial = kv[1];
                case "object" -> object = kv[1];
                case "type" -> {
                    if (!kv[1].equals("secret-key")) {
                        throw new UnsupportedParameterException("pkcs11: URI type=" + kv[1] + ": the key-encryption key is a secret-key");
                    }
                }
                default -> throw new UnsupportedParameterException("pkcs11: URI path attribute '" + kv[0]
                        + "' is not supported (token, serial, object, type)");
            }
        }
        for (String attr : query.isEmpty() ? new String[0] : query.split("&")) {
            String[] kv = pair(attr, text);
            switch (kv[0]) {
                case "module-path" -> module = kv[1];
                case "pin-source" -> pinSource = kv[1];
                case "pin-value" -> throw new UnsupportedParameterException("pkcs11: URI pin-value is refused (a PIN in a"
                        + " URI leaks into shell history and logs): use pin-source=file:PATH, pin-source=env:VAR, "
                        + PinSource.DEFAULT_ENV + " or the prompt");
                default -> throw new UnsupportedParameterException("pkcs11: URI query attribute '" + kv[0]
                        + "' is not supported (module-path, pin-source)");
            }
        }
        if (object == null || object.isEmpty()) {
            throw new UnsupportedParameterException("pkcs11: URI needs object=LABEL (the key-encryption key's label)");
        }
        if (module == null) {
            module = moduleFromEnv;
        }
        if (module == null || module.isEmpty()) {
            throw new UnsupportedParameterException("pkcs11: URI names no module: add ?module-path=/path/to/module.so or set "
                    + MODULE_ENV);
        }
        return new Pkcs11Uri(Path.of(module), token, serial, object, pinSource);
    }

    private static String[] pair(String attr, String uri) {
        int eq = attr.indexOf('=');
        if (eq <= 0) {
            throw new UnsupportedParameterException("pkcs11: URI attribute '" + attr + "' is not name=value");
        }
        String name = attr.substring(0, eq);
        return new String[] {name, decode(name, attr.substring(eq + 1))};
    }

    /**
     * RFC 3986 percent-decoding, UTF-8. An error names the attribute, never its value: that may be a PIN
     * ({@code pin-value}, refused only once decoded).
     */
    private static String decode(String name, String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                // Two ASCII hex digits: Integer.parseInt would also take a sign ("%-1", "%+A") or other scripts' digits.
                if (i + 2 >= s.length() || !HexFormat.isHexDigit(s.charAt(i + 1)) || !HexFormat.isHexDigit(s.charAt(i + 2))) {
                    throw new UnsupportedParameterException("pkcs11: URI attribute '" + name
                            + "' has a %-escape that is not two hex digits");
                }
                out.write(HexFormat.fromHexDigit(s.charAt(i + 1)) << 4 | HexFormat.fromHexDigit(s.charAt(i + 2)));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The URI without its PIN source, for messages. */
    public String describe() {
        return "pkcs11:" + (token == null ? "" : "token=" + token + ";") + "object=" + object;
    }
}
