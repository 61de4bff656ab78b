package dev.tensorseal.vectors;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cases of one vector file, of whichever kind its format holds (the other two lists are empty).
 *
 * @param name  the file name, as used in case ids
 */
public record VectorFile(String name, VectorFormat format, List<GcmCase> gcm, List<KeyWrapCase> keyWrap, List<HkdfCase> hkdf) {

    /** Reads and parses {@code path}, detecting its format. */
    public static VectorFile load(Path path) throws IOException {
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new MalformedVectorsException(path.getFileName() + ": not a vector file (not UTF-8 text)");
        }
        return parse(path.getFileName().toString(), content);
    }

    /** Parses {@code content}, detecting its format; {@code name} is the file name. */
    public static VectorFile parse(String name, String content) throws MalformedVectorsException {
        VectorFormat format = VectorFormat.detect(name, content);
        return switch (format) {
            case NIST_GCM_RSP -> new VectorFile(name, format, NistGcmRsp.parse(name, content), List.of(), List.of());
            case NIST_KW_TXT -> new VectorFile(name, format, List.of(), NistKeyWrapTxt.parse(name, content), List.of());
            case RFC5869_TXT -> new VectorFile(name, format, List.of(), List.of(), Rfc5869Txt.parse(name, content));
            case WYCHEPROOF_JSON -> {
                String schema = WycheproofJson.schema(name, content);
                if (schema.startsWith("hkdf_test_schema")) {
                    yield new VectorFile(name, format, List.of(), List.of(), WycheproofJson.parseHkdf(name, content));
                }
                yield new VectorFile(name, format, WycheproofJson.parseAesGcm(name, content), List.of(), List.of());
            }
        };
    }

    /** How many cases the file holds. */
    public int size() {
        return gcm.size() + keyWrap.size() + hkdf.size();
    }
}
