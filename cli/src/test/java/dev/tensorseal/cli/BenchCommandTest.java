package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** Runs the bench small; checks the JSON's fields and the table's shape, never its timings. */
class BenchCommandTest {
    /** A rate as the table prints it (Human.rate). */
    private static final Pattern RATE = Pattern.compile("\\d+(\\.\\d+)? (GB|MB|kB)/s");

    private record Result(int code, String out, String err) {}

    private static Result bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The value of string field {@code name}, read with Jackson's parser (so the JSON is valid and escaped). */
    private static String stringField(String json, String name) {
        try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), json)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            String found = null;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals(name)) {
                    found = p.getString();
                }
            }
            assertEquals(null, p.nextToken(), "one object, nothing after it");
            return found;
        }
    }
    private static final List<String> FIELDS = List.of("raw_jce_gbps", "seal_gbps", "unseal_gbps", "unseal_ratio", "seal_ratio",
            "close_gbps", "parallel_unseal_gbps", "threads", "slice_read_us", "chunk_open_us", "verify_gbps", "overhead_ratio",
            "cold_unseal_gbps", "bc_gbps", "file_unseal_gbps", "file_unseal_ratio", "remote_load_gbps", "remote_plain_gbps",
            "remote_first_tensor_ms", "local_first_tensor_ms");

    @Test
    void jsonHasEveryFieldPositive() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--size", "8MiB", "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String json = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(json.startsWith("{") && json.endsWith("}") && json.lines().count() == 1, json);
        for (String f : FIELDS) {
            Matcher m = Pattern.compile("\"" + f + "\": ([0-9.eE+-]+)").matcher(json);
            assertTrue(m.find(), "missing " + f + " in " + json);
            assertTrue(Double.parseDouble(m.group(1)) > 0, f + " is not positive in " + json);
        }
        assertTrue(json.contains("\"overhead_ratio\": 1."), json);
        assertEquals(System.getProperty("java.vm.name") + " " + Runtime.version(), stringField(json, "jdk"));
    }

    @Test
    void theTableFitsEightyColumnsWithHumanRates() {
        Result r = bench("--size", "8MiB");
        assertEquals(0, r.code(), r.err());
        List<String> table = r.out().lines().dropWhile(l -> !l.startsWith("tensorseal bench: ")).toList();
        assertTrue(table.size() > 20, r.out());
        assertTrue(table.getFirst().startsWith("tensorseal bench: 8.39 MB tensor, 64 KiB chunks"), table.getFirst());
        for (String line : table) {
            assertTrue(line.length() <= BenchTable.WIDTH, "over 80 columns: " + line);
        }
        System.out.print(r.out());
        String oneThread = table.stream().filter(l -> l.startsWith("1 thread ")).findFirst().orElseThrow();
        Matcher m = RATE.matcher(oneThread);
        assertTrue(m.find(), "seal rate: " + oneThread);
        int sealEnd = m.end();
        assertTrue(m.find(), "unseal rate: " + oneThread);
        int unsealEnd = m.end();
        // Aligned: every rate in the table ends where the seal or the unseal column ends.
        int rates = 0;
        for (String row : table) {
            Matcher each = RATE.matcher(row);
            while (each.find() && !row.startsWith("jdk: ")) {
                assertTrue(each.end() == sealEnd || each.end() == unsealEnd, "not aligned: " + row);
                rates++;
            }
        }
        assertTrue(rates > 15, r.out());
    }

    @Test
    void thePlotFileIsCheckedBeforeTheRun(@TempDir Path dir) throws Exception {
        Result txt = bench("--plot", dir.resolve("plot.txt").toString());
        assertEquals(2, txt.code());
        assertTrue(txt.err().contains("--plot needs a .png file name"), txt.err());
        Result noFolder = bench("--plot", dir.resolve("missing/plot.png").toString());
        assertEquals(2, noFolder.code());
        assertTrue(noFolder.err().contains("does not exist"), noFolder.err());
        Path existing = Files.writeString(dir.resolve("old.png"), "an earlier plot");
        Result kept = bench("--size", "8MiB", "--plot", existing.toString());
        assertEquals(2, kept.code(), kept.err());
        assertTrue(kept.err().contains("already exists (pass --force to replace it)"), kept.err());
        assertEquals("an earlier plot", Files.readString(existing));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(existing), files.toList(), "nothing written beside it");
        }
    }

    @Test
    void badSizeIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--size", "12345"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("multiple of 64 KiB"), err.toString(StandardCharsets.UTF_8));
    }
}
