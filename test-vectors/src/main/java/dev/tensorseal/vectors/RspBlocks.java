package dev.tensorseal.vectors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common shape of NIST CAVP response files and the RFC 5869 text: {@code [Name = value]}
 * section headers, then blocks of {@code Name = value} lines that each start with
 * {@code Count}/{@code COUNT} and may end with a bare {@code FAIL}. Lines starting with {@code #}
 * are comments.
 */
final class RspBlocks {
    /** One block: its section at that point, its fields in file order, and whether it said FAIL. */
    record Block(Map<String, String> section, Map<String, String> fields, boolean fail, int line) {
        String require(String name, String file) throws MalformedVectorsException {
            String v = fields.get(name);
            if (v == null) {
                throw new MalformedVectorsException(file + ":" + line + ": case has no '" + name + "' line");
            }
            return v;
        }

        String count() {
            String c = fields.get("Count");
            return c != null ? c : fields.get("COUNT");
        }
    }

    private RspBlocks() {}

    static List<Block> parse(String file, String content) throws MalformedVectorsException {
        List<Block> blocks = new ArrayList<>();
        Map<String, String> section = new LinkedHashMap<>();
        Map<String, String> fields = null;
        boolean fail = false;
        int start = 0;
        boolean sectionOpen = false; // a new section header replaces the previous section
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                if (fields != null) {
                    blocks.add(new Block(Map.copyOf(section), fields, fail, start));
                    fields = null;
                }
                if (!sectionOpen) {
                    section = new LinkedHashMap<>();
                    sectionOpen = true;
                }
                String inner = line.substring(1, line.length() - 1);
                int eq = inner.indexOf('=');
                if (eq < 0) {
                    section.put(inner.strip(), "");
                } else {
                    section.put(inner.substring(0, eq).strip(), inner.substring(eq + 1).strip());
                }
                continue;
            }
            sectionOpen = false;
            if (line.equals("FAIL")) {
                if (fields == null) {
                    throw new MalformedVectorsException(file + ":" + (i + 1) + ": FAIL outside a case");
                }
                fail = true;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new MalformedVectorsException(file + ":" + (i + 1) + ": expected 'Name = value', got '" + abbreviate(line) + "'");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (name.equalsIgnoreCase("Count")) {
                if (fields != null) {
                    blocks.add(new Block(Map.copyOf(section), fields, fail, start));
                }
                fields = new LinkedHashMap<>();
                fail = false;
                start = i + 1;
            } else if (fields == null) {
                // A value before the first Count belongs to the file header (e.g. RFC text): ignore.
                continue;
            }
            fields.put(name, value);
        }
        if (fields != null) {
            blocks.add(new Block(Map.copyOf(section), fields, fail, start));
        }
        return blocks;
    }

    /** {@code Keylen=128,IVlen=96,...} in file order. */
    static String describe(Map<String, String> section, List<String> order) {
        StringBuilder sb = new StringBuilder();
        for (String k : order) {
            if (section.containsKey(k)) {
                sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(section.get(k));
            }
        }
        return sb.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
