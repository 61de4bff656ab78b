package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {
    private static final List<String> CHECKS = List.of("mlock", "dontdump", "wipeonfork", "guard-pages",
            "memfd_secret", "memlock-limit", "native-access", "binding", "engine", "ossl", "vaes", "cuda", "nvml");

    @ParameterizedTest
    @ValueSource(strings = {"ffm", "jna"})
    void printsOneLinePerCheckAndCountsThem(String binding) {
        String previous = System.getProperty("tensorseal.native");
        System.setProperty("tensorseal.native", binding);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Main.run(new String[] {"doctor"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            System.out.print(text);
            List<String> lines = Arrays.asList(text.split("\n"));
            Pattern check = Pattern.compile("^([a-z_-]+): (ok|degraded|failed) - .+$");
            int[] counts = new int[3];
            for (String line : lines.subList(0, lines.size() - 1)) {
                Matcher m = check.matcher(line);
                assertTrue(m.matches(), "malformed line: " + line);
                counts[List.of("ok", "degraded", "failed").indexOf(m.group(2))]++;
            }
            for (String name : CHECKS) {
                assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + ": ")), "missing check " + name);
            }
            assertEquals("doctor: " + counts[0] + " ok, " + counts[1] + " degraded, " + counts[2] + " failed",
                    lines.getLast());
            assertEquals(counts[2] > 0 ? 1 : 0, exit, text + err);
            // Tests run as root with native access: the kernel-side protections must all hold here.
            for (String name : List.of("mlock", "dontdump", "wipeonfork", "guard-pages", "native-access", "engine")) {
                assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + ": ok - ")), text);
            }
            assertTrue(text.contains("binding: ok - " + binding), text);
            assertTrue(Pattern.compile("engine: ok - jce AES-256-GCM seal \\d+\\.\\d\\d GB/s").matcher(text).find(), text);
            // This machine kind has OpenSSL 3 (CI too): the ossl engine must be measured, not just listed.
            assertTrue(Pattern.compile("ossl: ok - OpenSSL 3\\S* .*seal \\d+\\.\\d\\d GB/s").matcher(text).find(), text);
            // vaes: measured where the CPU runs it, else degraded with the reason (CI's library is built, its CPU may vary).
            assertTrue(Pattern.compile("vaes: ok - tensorseal VAES.*seal \\d+\\.\\d\\d GB/s.*the store's default engine").matcher(text).find()
                    || text.contains("vaes: degraded - engine unavailable (engine 'vaes' is unavailable: not for this machine: "), text);
            // cuda and nvml say what the bridge's own bindings find (not a bare library lookup that knew no bindings).
            GpuReport gpu = Gpus.probe();
            assertTrue(text.contains(gpu.driver().isAvailable() ? "cuda: ok - driver " + gpu.driverVersion()
                    : "cuda: degraded - not available here: " + gpu.driver().reason()), text);
            assertTrue(text.contains(gpu.nvml().isAvailable() ? "nvml: ok - "
                    : "nvml: degraded - not available here: " + gpu.nvml().reason()), text);
        } finally {
            if (previous == null) {
                System.clearProperty("tensorseal.native");
            } else {
                System.setProperty("tensorseal.native", previous);
            }
        }
    }

    @Test
    void rejectsArgumentsWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"doctor", "--fast"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        assertEquals("tensorseal doctor: doctor takes no arguments, got '--fast'\n", err.toString(StandardCharsets.UTF_8));
    }
}
