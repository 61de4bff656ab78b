package dev.tensorseal.security;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.crypto.Hkdf;
import dev.tensorseal.internal.crypto.KeyWrap;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.store.KeyCustody;
import dev.tensorseal.internal.store.StoreSnapshot;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link ExposureWorkload} in a child JVM and scans it: /proc memory after its views closed, its heap dump
 * (live objects), /proc memory again after that full GC, and after the store closed. {@link #main} prints the
 * full table for SECURITY.md; ResidualExposureTest asserts the store's own guarantees from the same results.
 */
final class ExposureProbe {
    static final String CANARY = "canary (closed views)";
    static final String CONTROL = "canary (open control view)";
    static final String KEY = "master key";
    static final String KEK = "KEK";
    static final String MAC_KEY = "header MAC key";
    static final String DATA_KEY = "data key";

    static final String HEAP = "java-heap";
    static final String KEY_REGION = "key-region";
    static final String OPEN_VIEW = "open-view";
    static final String CLOSED_VIEWS = "closed-view-scratch";
    static final String NATIVE = "native/anon";
    static final String FILES = "file-mapped";
    static final String SECRETMEM = "other-secretmem";
    static final String DUMP = "heap-dump (live objects)";

    /** Results per phase, in order: views-closed, heap-dump, after-gc, store-closed. */
    record Report(String engine, Map<String, ProcessMemoryScan.Result> phases, String keyRegionMaps,
                  boolean closedViewScratchStillMapped) {}

    private ExposureProbe() {}

    /**
     * The canaries, the master key, and every key derived from it for the workload's store and its saved file, as
     * the library derives them: KEK = HKDF(master, store id, KeyCustody.KEK_INFO), header MAC key = HKDF(master,
     * file id, FileKeys.MAC_INFO), each data key unwrapped with that KEK. Positive control: the KEK must unwrap
     * every data key (else it is not the store's, and finding none of it would prove nothing).
     */
    static Map<String, byte[]> patterns(Path savedFile) throws Exception {
        Map<String, byte[]> p = new LinkedHashMap<>();
        for (int i = 0; i < ExposureWorkload.TENSORS; i++) {
            p.put(CANARY + " " + i, ExposureWorkload.canary(i));
        }
        p.put(CONTROL, ExposureWorkload.canary(ExposureWorkload.CONTROL));
        p.put(KEY, ExposureWorkload.masterKey());
        try (Arena arena = Arena.ofConfined(); KeySource ks = KeySource.bytes(ExposureWorkload.masterKey());
                SecretBytes master = SecretBytes.takeAndWipe(ExposureWorkload.masterKey())) {
            TsealReader.Opened opened = TsealReader.open(savedFile, ks, arena);
            try (SecretBytes kek = Hkdf.deriveSecret(master, opened.snapshot().storeId(), label(KeyCustody.class, "KEK_INFO"), 32);
                    SecretBytes mac = Hkdf.deriveSecret(master, opened.header().fileId(),
                            label(Class.forName("dev.tensorseal.internal.tseal.FileKeys"), "MAC_INFO"), 32)) {
                p.put(KEK, kek.insecureCopy());
                p.put(MAC_KEY, mac.insecureCopy());
                int i = 0;
                for (StoreSnapshot.WrappedKey w : opened.snapshot().keys()) {
                    try (SecretBytes dek = KeyWrap.unwrapKey(kek, w.wrappedKey())) {
                        p.put(DATA_KEY + " " + i++, dek.insecureCopy());
                    }
                }
            }
        }
        return p;
    }

    private static byte[] label(Class<?> owner, String field) throws ReflectiveOperationException {
        java.lang.reflect.Field f = owner.getDeclaredField(field);
        f.setAccessible(true);
        return ((byte[]) f.get(null)).clone();
    }

    /** Hits of every data key in one region class. */
    static long dataKeyHits(ProcessMemoryScan.Result r, String where) {
        return r.hits.entrySet().stream().filter(e -> e.getKey().startsWith(DATA_KEY))
                .mapToLong(e -> e.getValue().getOrDefault(where, 0L)).sum();
    }

    static Report run(String engine, Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process child = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseG1GC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ExposureWorkload.class.getName(), engine, dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, ProcessMemoryScan.Result> phases = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
             Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII)) {
            List<long[]> closedViews = new ArrayList<>();
            long[] openView = null;
            long[] key = null;
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                String[] f = line.split(" ");
                long[] range = {Long.parseLong(f[1]), Long.parseLong(f[2])};
                switch (f[0]) {
                    case "VIEW" -> closedViews.add(range);
                    case "OPEN" -> openView = range;
                    case "KEY" -> key = range;
                    default -> throw new IllegalStateException("unexpected line from the workload: " + line);
                }
            }
            if (line == null || openView == null || key == null) {
                throw new IllegalStateException("the workload ended early (exit " + child.waitFor() + ")");
            }
            ProcessMemoryScan scan = new ProcessMemoryScan(patterns(ExposureWorkload.savedFile(engine, dir)));
            long pid = child.pid();
            long[] heap = heapRange(jcmd, pid);
            long[] keyR = key;
            long[] openR = openView;
            ProcessMemoryScan.Classifier classifier = r -> {
                if (r.overlaps(heap[0], heap[1])) {
                    return HEAP;
                }
                if (r.contains(keyR[0])) {
                    return KEY_REGION;
                }
                if (r.contains(openR[0])) {
                    return OPEN_VIEW;
                }
                for (long[] v : closedViews) {
                    if (r.contains(v[0])) {
                        return CLOSED_VIEWS;
                    }
                }
                if (r.path().startsWith("/secretmem")) {
                    return SECRETMEM; // other keys (KEK, data keys) in memfd_secret pages: unreadable by design
                }
                return r.path().startsWith("/") ? FILES : NATIVE;
            };
            String keyMaps = ProcessMemoryScan.maps(pid).stream().filter(r -> r.contains(keyR[0]))
                    .map(r -> r.perms() + " " + (r.path().isEmpty() ? "(anonymous)" : r.path())).findFirst().orElse("unmapped");
            boolean stillMapped = ProcessMemoryScan.maps(pid).stream()
                    .anyMatch(r -> closedViews.stream().anyMatch(v -> r.contains(v[0])));
            phases.put("views-closed", scan.scanProcess(pid, classifier));

            Path dump = dir.resolve("exposure-" + engine + ".hprof");
            run(jcmd.toString(), Long.toString(pid), "GC.heap_dump", dump.toString());
            phases.put("heap-dump", scan.scanFile(dump, DUMP));
            Files.deleteIfExists(dump);
            phases.put("after-gc", scan.scanProcess(pid, classifier));
            next(in, out, "READY after-gc");

            in.write("\n");
            in.flush();
            expect(out, "READY store-closed");
            phases.put("store-closed", scan.scanProcess(pid, classifier));
            in.write("\n");
            in.flush();
            if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
                throw new IllegalStateException("the workload did not exit cleanly");
            }
            return new Report(engine, phases, keyMaps, stillMapped);
        } finally {
            child.destroyForcibly();
        }
    }

    private static void next(Writer in, BufferedReader out, String expected) throws IOException {
        in.write("\n");
        in.flush();
        expect(out, expected);
    }

    private static void expect(BufferedReader out, String expected) throws IOException {
        String line = out.readLine();
        if (!expected.equals(line)) {
            throw new IllegalStateException("expected '" + expected + "' from the workload, got '" + line + "'");
        }
    }

    private static final Pattern HEAP_RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

    /** The G1 heap's reserved range, from {@code jcmd PID GC.heap_info}. */
    static long[] heapRange(Path jcmd, long pid) throws IOException, InterruptedException {
        String info = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
        Matcher m = HEAP_RANGE.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap range in GC.heap_info: " + info);
        }
        return new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + text);
        }
        return text;
    }

    /** Hits of all closed-view canaries in one region class. */
    static long canaryHits(ProcessMemoryScan.Result r, String where) {
        long n = 0;
        for (int i = 0; i < ExposureWorkload.TENSORS; i++) {
            n += r.count(CANARY + " " + i, where);
        }
        return n;
    }

    /** Prints the table for each engine: {@code java ... ExposureProbe [dir]}. */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("exposure");
        String[] wheres = {HEAP, NATIVE, FILES, CLOSED_VIEWS, OPEN_VIEW, KEY_REGION, SECRETMEM, DUMP};
        for (String engine : dev.tensorseal.internal.crypto.GcmEngine.names()) {
            Report rep = run(engine, dir);
            System.out.println("engine " + engine + ": key region " + rep.keyRegionMaps()
                    + "; closed views' scratch still mapped: " + rep.closedViewScratchStillMapped());
            System.out.printf("%-14s %-26s %s%n", "phase", "pattern", String.join(" | ", wheres));
            for (var e : rep.phases().entrySet()) {
                ProcessMemoryScan.Result r = e.getValue();
                List<String> c = new ArrayList<>();
                List<String> o = new ArrayList<>();
                List<String> k = new ArrayList<>();
                List<String> kek = new ArrayList<>();
                List<String> mac = new ArrayList<>();
                List<String> dek = new ArrayList<>();
                for (String w : wheres) {
                    c.add(Long.toString(canaryHits(r, w)));
                    o.add(Long.toString(r.count(CONTROL, w)));
                    k.add(Long.toString(r.count(KEY, w)));
                    kek.add(Long.toString(r.count(KEK, w)));
                    mac.add(Long.toString(r.count(MAC_KEY, w)));
                    dek.add(Long.toString(dataKeyHits(r, w)));
                }
                System.out.printf("%-14s %-26s %s%n", e.getKey(), "canary x32B (6x256KiB)", String.join(" | ", c));
                System.out.printf("%-14s %-26s %s%n", "", "control (open view)", String.join(" | ", o));
                System.out.printf("%-14s %-26s %s%n", "", "master key", String.join(" | ", k));
                System.out.printf("%-14s %-26s %s%n", "", "KEK", String.join(" | ", kek));
                System.out.printf("%-14s %-26s %s%n", "", "header MAC key", String.join(" | ", mac));
                System.out.printf("%-14s %-26s %s%n", "", "data keys (all)", String.join(" | ", dek));
                System.out.printf("%-14s scanned %d MiB, unreadable %d KiB %s%n", "", r.scannedBytes >> 20,
                        r.unreadableBytes >> 10, r.unreadable.stream().distinct().toList());
            }
        }
    }
}
