package dev.tensorseal.internal.json;

import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Jackson streaming parsers for untrusted JSON (safetensors headers, shard indexes, tokenizer files): every
 * size Jackson tracks is bounded, duplicate keys are an error (a header that names a tensor twice must not
 * silently pick one).
 */
public final class BoundedJson {
    private BoundedJson() {}

    /** A parser over {@code json[offset, offset+length)} whose document may not exceed {@code maxDocumentBytes}. */
    public static JsonParser parser(byte[] json, int offset, int length, long maxDocumentBytes) {
        return factory(maxDocumentBytes).createParser(ObjectReadContext.empty(), json, offset, length);
    }

    /** A compact UTF-8 generator. */
    public static JsonGenerator generator(OutputStream out) {
        return factory(Long.MAX_VALUE).createGenerator(ObjectWriteContext.empty(), out);
    }

    private static JsonFactory factory(long maxDocumentBytes) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxDocumentLength(maxDocumentBytes)
                .maxNestingDepth(16)
                .maxNumberLength(32)
                .maxNameLength(1 << 16)
                .maxStringLength(1 << 24)
                .build();
        return JsonFactory.builder()
                .streamReadConstraints(constraints)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }
}
