package dev.tensorseal.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlagshipMiniLmTest {
    @Test
    void sealedModelEmbedsExactlyLikeThePlaintextModel() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        double diff = FlagshipMiniLm.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(0.0, diff, "sealed and plaintext embeddings differ");
        assertTrue(out.contains("flagship: embeddings match plaintext model (max abs diff 0.0)"), out);
    }

    @Test
    void wordPieceSplitsSubwordsAndPunctuation() throws Exception {
        WordPieceTokenizer t;
        try (var in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
            t = WordPieceTokenizer.fromTokenizerJson(in);
        }
        // Ids checked against the tokenizer's vocab: [CLS]=101 hello=7592 world=2088 !=999 [SEP]=102.
        assertArrayEquals(new long[] {101, 7592, 2088, 999, 102}, t.encode("Hello world!"));
        assertArrayEquals(t.encode("hello world!"), t.encode("Héllo   WORLD!"));
        long[] unaffable = t.encode("unaffable");
        assertEquals(102, unaffable[unaffable.length - 1]);
        assertTrue(unaffable.length > 3, "unaffable splits into subwords");
    }
}
