package dev.tensorseal.vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NIST CAVP SP 800-38F key wrap files ({@code KW_AE_128.txt}, {@code KWP_AD_256_inv.txt}, ...).
 * The algorithm and direction come from the file name, as NIST names them; sections are
 * {@code [PLAINTEXT LENGTH = bits]}, cases {@code COUNT, K, P, C} or {@code COUNT, K, C, FAIL}.
 * TKW (Triple-DES) files load, with {@link KeyWrapCase.Mode#TKW}, so a runner can reject them by name.
 */
public final class NistKeyWrapTxt {
    /** {@code KW_AE_128.txt}, {@code KWP_AD_256_inv.txt}, {@code TKW_AE.txt}, {@code KW_AE_rfc3394.txt}. */
    static final Pattern NAME = Pattern.compile("^(TKW|KWP|KW)_(AE|AD)(_[A-Za-z0-9_.-]*)?\\.txt$");

    private NistKeyWrapTxt() {}

    /** Whether {@code fileName} follows NIST's key wrap naming. */
    public static boolean isKeyWrapName(String fileName) {
        return NAME.matcher(fileName).matches();
    }

    public static List<KeyWrapCase> parse(String file, String content) throws MalformedVectorsException {
        Matcher m = NAME.matcher(file);
        if (!m.matches()) {
            throw new MalformedVectorsException(file + ": key wrap files must be named like NIST's, e.g. KW_AE_128.txt or KWP_AD_256_inv.txt");
        }
        KeyWrapCase.Mode mode = KeyWrapCase.Mode.valueOf(m.group(1));
        boolean wrap = m.group(2).equals("AE");
        boolean inverse = m.group(3) != null && m.group(3).contains("_inv");
        List<KeyWrapCase> cases = new ArrayList<>();
        for (RspBlocks.Block b : RspBlocks.parse(file, content)) {
            String where = file + ":" + b.line();
            String id = file + "#" + RspBlocks.describe(b.section(), List.of("PLAINTEXT LENGTH")) + ",COUNT=" + b.count();
            byte[] p = b.fail() ? null : Hex.decode(b.require("P", file), where);
            cases.add(new KeyWrapCase(
                    id,
                    mode,
                    wrap,
                    inverse,
                    Hex.decode(b.require("K", file), where),
                    p,
                    Hex.decode(b.require("C", file), where),
                    b.fail() ? Expected.INVALID : Expected.VALID));
        }
        if (cases.isEmpty()) {
            throw new MalformedVectorsException(file + ": no key wrap cases found");
        }
        return cases;
    }
}
