package dev.tensorseal.vectors;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5869 appendix A as text ({@code rfc-5869-HKDF-SHA256.txt} of python-cryptography's vectors):
 * cases {@code COUNT, Hash, IKM, salt, info, L, PRK, OKM}. Cases for other hashes load with their
 * {@link HkdfCase#hash()}, so a runner can reject them as unsupported.
 */
public final class Rfc5869Txt {
    private Rfc5869Txt() {}

    public static List<HkdfCase> parse(String file, String content) throws MalformedVectorsException {
        List<HkdfCase> cases = new ArrayList<>();
        for (RspBlocks.Block b : RspBlocks.parse(file, content)) {
            String where = file + ":" + b.line();
            String prk = b.fields().get("PRK");
            cases.add(new HkdfCase(
                    file + "#COUNT=" + b.count(),
                    b.require("Hash", file),
                    Hex.decode(b.require("IKM", file), where),
                    Hex.decode(b.fields().getOrDefault("salt", ""), where),
                    Hex.decode(b.fields().getOrDefault("info", ""), where),
                    NistGcmRsp.parseInt(b.require("L", file), where),
                    prk == null ? null : Hex.decode(prk, where),
                    Hex.decode(b.require("OKM", file), where),
                    Expected.VALID));
        }
        if (cases.isEmpty()) {
            throw new MalformedVectorsException(file + ": no HKDF cases found");
        }
        return cases;
    }
}
