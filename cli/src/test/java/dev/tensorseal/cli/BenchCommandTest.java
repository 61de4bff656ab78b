package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the bench small; checks the JSON's fields, never its timings. */
class BenchCommandTest {
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
