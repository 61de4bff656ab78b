package dev.tensorseal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a recipient's private key is in the memory of a process that opened a file with it 20 times: in its key
 * memory, and as Bouncy Castle's heap copies (counted and printed, SECURITY.md "Recipients"); nowhere else (not in
 * native or file-backed memory). Linux /proc/PID/mem of a child JVM, as {@link ResidualExposureTest}.
 */
class IdentityExposureTest {
    @TempDir Path dir;

    @Test
    void theIdentitysPrivateKeyIsOnlyInKeyMemoryAndBouncyCastlesHeapCopies() throws Exception {
        if (!Files.isReadable(Path.of("/proc/self/mem"))) {
            String why = "the identity exposure scan needs Linux /proc/PID/mem; not available here";
            assertTrue(!Boolean.getBoolean("tensorseal.ci") && !"true".equals(System.getenv("CI")), why);
            System.out.println(why + ": skipped");
            Assumptions.abort(why);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process child = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), IdentityExposureWorkload.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
                Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII)) {
            String keyLine = out.readLine();
            assertTrue(keyLine != null && keyLine.startsWith("KEY "), "workload: " + keyLine);
            long keyAt = Long.parseLong(keyLine.split(" ")[1]);
            assertEquals("READY opened", out.readLine());
            byte[] identity = Files.readAllBytes(dir.resolve("exposure.id"));
            byte[] sk = Arrays.copyOfRange(identity, 16, 48);
            ProcessMemoryScan scan = new ProcessMemoryScan(Map.of("private key", sk));
            long pid = child.pid();
            long[] heap = ExposureProbe.heapRange(jcmd, pid);
            ProcessMemoryScan.Classifier where = r -> r.overlaps(heap[0], heap[1]) ? ExposureProbe.HEAP
                    : r.contains(keyAt) ? ExposureProbe.KEY_REGION
                    : r.path().startsWith("/secretmem") ? ExposureProbe.SECRETMEM
                    : r.path().startsWith("/") ? ExposureProbe.FILES : ExposureProbe.NATIVE;
            ProcessMemoryScan.Result opened = scan.scanProcess(pid, where);
            in.write("\n");
            in.flush();
            assertEquals("READY after-gc", out.readLine());
            ProcessMemoryScan.Result afterGc = scan.scanProcess(pid, where);
            for (var e : Map.of("after " + IdentityExposureWorkload.OPENS + " opens", opened, "after a GC", afterGc).entrySet()) {
                ProcessMemoryScan.Result r = e.getValue();
                System.out.println("identity private key " + e.getKey() + ": " + r.hits.getOrDefault("private key", Map.of()));
                assertEquals(0, r.totalExcept("private key", ExposureProbe.HEAP, ExposureProbe.KEY_REGION),
                        e.getKey() + ": private key outside the heap and key memory " + r.hits);
            }
            in.write("\n");
            in.flush();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS) && child.exitValue() == 0, "the workload did not exit cleanly");
        } finally {
            child.destroyForcibly();
        }
    }
}
