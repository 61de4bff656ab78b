package dev.tensorseal.vectors;

import java.util.HexFormat;

/** Hex decoding with file-and-line errors. */
final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {}

    static byte[] decode(String hex, String where) throws MalformedVectorsException {
        try {
            return HEX.parseHex(hex.strip());
        } catch (IllegalArgumentException e) {
            throw new MalformedVectorsException(where + ": not hex: " + e.getMessage());
        }
    }
}
