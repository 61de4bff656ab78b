package dev.tensorseal.nativebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A minimal NIST CAVP GCM .rsp parser for the kernel tests (native-bridge cannot see the
 * test-vectors module's loaders, which live above it in the reactor): keeps the 256-bit key,
 * 96-bit IV, 128-bit tag sections.
 */
final class NistGcmVectors {
    record Case(String id, byte[] key, byte[] iv, byte[] pt, byte[] aad, byte[] ct, byte[] tag, boolean fail) {}

    private NistGcmVectors() {}

    /** The cases of NIST file {@code file}; a missing file skips or, under CI, fails ({@link NativePrerequisites#requireNistGcm}). */
    static List<Case> load(String file) throws IOException {
        HexFormat hex = HexFormat.of();
        List<Case> cases = new ArrayList<>();
        int ivBits = 0;
        int tagBits = 0;
        String count = null;
        byte[] key = null, iv = null, pt = null, aad = null, ct = null, tag = null;
        boolean fail = false;
        List<String> lines = new ArrayList<>(Files.readAllLines(NativePrerequisites.requireNistGcm(file)));
        lines.add("");
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[IVlen")) {
                ivBits = Integer.parseInt(value(line));
            } else if (line.startsWith("[Taglen")) {
                tagBits = Integer.parseInt(value(line));
            } else if (line.startsWith("Count")) {
                count = value(line);
            } else if (line.startsWith("Key")) {
                key = hex.parseHex(value(line));
            } else if (line.startsWith("IV")) {
                iv = hex.parseHex(value(line));
            } else if (line.startsWith("PT")) {
                pt = hex.parseHex(value(line));
            } else if (line.startsWith("AAD")) {
                aad = hex.parseHex(value(line));
            } else if (line.startsWith("CT")) {
                ct = hex.parseHex(value(line));
            } else if (line.startsWith("Tag")) {
                tag = hex.parseHex(value(line));
            } else if (line.equals("FAIL")) {
                fail = true;
            } else if (line.isEmpty() && count != null) {
                if (ivBits == 96 && tagBits == 128 && key.length == 32) {
                    cases.add(new Case(file + " IV96 Tag128 #" + count + " (PT " + ct.length + " B, AAD " + aad.length
                            + " B)", key, iv, fail ? null : pt, aad, ct, tag, fail));
                }
                count = null;
                pt = null;
                fail = false;
            }
        }
        return cases;
    }

    private static String value(String line) {
        String v = line.substring(line.indexOf('=') + 1).strip();
        return v.endsWith("]") ? v.substring(0, v.length() - 1).strip() : v;
    }
}
