package dev.tensorseal.vectors;

import java.util.ArrayList;
import java.util.List;

/**
 * NIST CAVP GCM response files ({@code gcmEncryptExtIV*.rsp}, {@code gcmDecrypt*.rsp}): sections
 * {@code [Keylen][IVlen][PTlen][AADlen][Taglen]} in bits, cases {@code Count, Key, IV, PT, AAD,
 * CT, Tag}, decrypt cases that must fail marked {@code FAIL} (and without {@code PT}).
 */
public final class NistGcmRsp {
    private static final List<String> SECTION_ORDER = List.of("Keylen", "IVlen", "PTlen", "AADlen", "Taglen");

    private NistGcmRsp() {}

    /** Parses {@code content}; {@code file} is the name used in case ids and errors. */
    public static List<GcmCase> parse(String file, String content) throws MalformedVectorsException {
        List<GcmCase> cases = new ArrayList<>();
        for (RspBlocks.Block b : RspBlocks.parse(file, content)) {
            String where = file + ":" + b.line();
            String taglen = b.section().get("Taglen");
            if (taglen == null) {
                throw new MalformedVectorsException(where + ": case outside a [Taglen = ...] section");
            }
            int tagBits = parseInt(taglen, where);
            if (tagBits % 8 != 0) {
                throw new MalformedVectorsException(where + ": Taglen " + tagBits + " is not whole bytes");
            }
            byte[] tag = Hex.decode(b.require("Tag", file), where);
            if (tag.length * 8 != tagBits) {
                throw new MalformedVectorsException(where + ": tag is " + tag.length * 8 + " bits, section says " + tagBits);
            }
            byte[] pt = b.fail() ? null : Hex.decode(b.require("PT", file), where);
            String id = file + "#" + RspBlocks.describe(b.section(), SECTION_ORDER) + ",Count=" + b.count();
            cases.add(new GcmCase(
                    id,
                    Hex.decode(b.require("Key", file), where),
                    Hex.decode(b.require("IV", file), where),
                    Hex.decode(b.require("AAD", file), where),
                    pt,
                    Hex.decode(b.require("CT", file), where),
                    tag,
                    tagBits / 8,
                    b.fail() ? Expected.INVALID : Expected.VALID,
                    List.of()));
        }
        if (cases.isEmpty()) {
            throw new MalformedVectorsException(file + ": no GCM cases found");
        }
        return cases;
    }

    static int parseInt(String s, String where) throws MalformedVectorsException {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new MalformedVectorsException(where + ": not a number: '" + RspBlocks.abbreviate(s) + "'");
        }
    }
}
