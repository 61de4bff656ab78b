package dev.tensorseal.examples;

import dev.tensorseal.internal.json.BoundedJson;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * BERT uncased WordPiece, enough for all-MiniLM-L6-v2: basic tokenisation (clean, lower-case, strip accents,
 * split on whitespace, punctuation and CJK), then greedy longest-match subwords with {@code ##} continuations,
 * wrapped in [CLS] ... [SEP]. The vocabulary is read from the model's tokenizer.json with Jackson streaming.
 */
public final class WordPieceTokenizer {
    private static final int MAX_CHARS_PER_WORD = 100;
    private final Map<String, Integer> vocab;
    private final int cls;
    private final int sep;
    private final int unk;

    private WordPieceTokenizer(Map<String, Integer> vocab) {
        this.vocab = vocab;
        this.cls = id("[CLS]");
        this.sep = id("[SEP]");
        this.unk = id("[UNK]");
    }

    private int id(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("vocabulary has no " + token);
        }
        return id;
    }

    /** Reads {@code model.vocab} from a HuggingFace tokenizer.json. */
    public static WordPieceTokenizer fromTokenizerJson(InputStream in) throws IOException {
        byte[] json = in.readAllBytes();
        Map<String, Integer> vocab = new HashMap<>();
        try (JsonParser p = BoundedJson.parser(json, 0, json.length, 64L << 20)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("tokenizer.json is not a JSON object");
            }
            String field;
            while ((field = p.nextName()) != null) {
                p.nextToken();
                if (!field.equals("model")) {
                    p.skipChildren();
                    continue;
                }
                String inner;
                while ((inner = p.nextName()) != null) {
                    p.nextToken();
                    if (!inner.equals("vocab")) {
                        p.skipChildren();
                        continue;
                    }
                    String token;
                    while ((token = p.nextName()) != null) {
                        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                            throw new IOException("vocab entry '" + token + "' is not an integer id");
                        }
                        vocab.put(token, p.getIntValue());
                    }
                }
            }
        }
        if (vocab.isEmpty()) {
            throw new IOException("tokenizer.json has no model.vocab");
        }
        return new WordPieceTokenizer(vocab);
    }

    /** Token ids for {@code text}: [CLS] subwords... [SEP]. */
    public long[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        ids.add(cls);
        for (String word : basicTokens(text)) {
            wordPiece(word, ids);
        }
        ids.add(sep);
        return ids.stream().mapToLong(Integer::longValue).toArray();
    }

    static List<String> basicTokens(String text) {
        String lower = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < lower.length(); ) {
            int c = lower.codePointAt(i);
            i += Character.charCount(c);
            if (c == 0 || c == 0xfffd || Character.getType(c) == Character.NON_SPACING_MARK
                    || (Character.isISOControl(c) && !Character.isWhitespace(c))) {
                continue;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                flush(word, out);
            } else if (isPunctuation(c) || isCjk(c)) {
                flush(word, out);
                out.add(new String(Character.toChars(c)));
            } else {
                word.appendCodePoint(c);
            }
        }
        flush(word, out);
        return out;
    }

    private void wordPiece(String word, List<Integer> ids) {
        if (word.codePointCount(0, word.length()) > MAX_CHARS_PER_WORD) {
            ids.add(unk);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (start < end) {
                String piece = (start > 0 ? "##" : "") + word.substring(start, end);
                found = vocab.get(piece);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                ids.add(unk);
                return;
            }
            pieces.add(found);
            start = end;
        }
        ids.addAll(pieces);
    }

    private static void flush(StringBuilder word, List<String> out) {
        if (!word.isEmpty()) {
            out.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isCjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
