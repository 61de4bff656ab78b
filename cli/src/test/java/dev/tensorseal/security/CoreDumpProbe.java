package dev.tensorseal.security;

import dev.tensorseal.KeySource;
import dev.tensorseal.cli.Main;
import dev.tensorseal.internal.crypto.Hkdf;
import dev.tensorseal.internal.crypto.KeyWrap;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import dev.tensorseal.internal.store.KeyCustody;
import dev.tensorseal.internal.store.StoreSnapshot;
import dev.tensorseal.internal.tseal.TsealReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A real core file of the CLI: seals a small model (tensors filled with canaries) under a known master key, runs
 * {@code java ... dev.tensorseal.cli.Main open ... --key-file K} in a child JVM on one engine, stops it with a
 * debugger breakpoint while it writes its second tensor (a view is open; every key has been derived and every data
 * key unwrapped), takes a core with {@code gcore}, lets it finish, and counts in the core every key the file has:
 * master key, KEK, header MAC key, each data key (derived and unwrapped here with the project's own HKDF and key
 * wrap), and each tensor's plaintext canary, as copies on the Java heap and elsewhere. {@link #main} prints the
 * per-engine table for SECURITY.md: {@code java -cp <cli test class path> dev.tensorseal.security.CoreDumpProbe}.
 */
final class CoreDumpProbe {
    static final String MASTER = "master key";
    static final String KEK = "KEK";
    static final String MAC = "header MAC key";
    static final String DATA_KEY = "data key";
    static final String PLAINTEXT = "plaintext";
    static final String CONTROL = "wrapped data key (control)";
    static final String HEAP = "java-heap";
    static final String ELSEWHERE = "elsewhere";
    static final int TENSORS = 3;
    static final int TENSOR_BYTES = 256 * 1024;
    static final int PATTERN_BYTES = 32;

    /** Copies of each pattern in the core, by place ({@link #HEAP} or {@link #ELSEWHERE}). */
    record Report(String engine, Map<String, Map<String, Long>> hits, long coreBytes, int dataKeys) {
        long count(String pattern, String where) {
            return hits.getOrDefault(pattern, Map.of()).getOrDefault(where, 0L);
        }

        long total(String pattern) {
            return count(pattern, HEAP) + count(pattern, ELSEWHERE);
        }

        /** Sum over every pattern whose name starts with {@code prefix} (data key 0, 1, ...). */
        long totalOf(String prefix, String where) {
            return hits.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .mapToLong(e -> e.getValue().getOrDefault(where, 0L)).sum();
        }
    }

    private CoreDumpProbe() {}

    /** Why the probe cannot run here, or null: Linux, gcore on the PATH, ptrace allowed. */
    static String unavailableReason() {
        if (!Files.isReadable(Path.of("/proc/self/maps"))) {
            return "core-file check needs Linux";
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "gcore"))) {
                return null;
            }
        }
        return "gcore not found on PATH (Debian package gdb)";
    }

    static byte[] masterKey() {
        byte[] k = new byte[32];
        new Random(0x7e5ea1L).nextBytes(k);
        return k;
    }

    static byte[] canary(int tensor) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("core canary " + tensor).getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Report run(String engine, Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve(engine));
        Path key = work.resolve("k.key");
        Files.write(key, masterKey());
        Path model = model(work.resolve("m.safetensors"));
        Path sealed = work.resolve("m.tseal");
        cli("seal", model.toString(), "-o", sealed.toString(), "--key-file", key.toString(), "--quiet");
        Files.delete(model); // what the core holds of the plaintext comes from the open, not from this file's pages
        Map<String, byte[]> patterns = patterns(sealed);
        int dataKeys = (int) patterns.keySet().stream().filter(n -> n.startsWith(DATA_KEY)).count();

        Path core = work.resolve("core");
        Path heapLog = work.resolve("heap.log");
        Path out = work.resolve("out.safetensors");
        long started = System.nanoTime();
        long[] heap = PausedOpen.run(engine, sealed, key, out, core, heapLog);
        long dumped = System.nanoTime();
        if (!Files.exists(out)) {
            throw new IllegalStateException("the CLI child wrote no output: the run was not a real open");
        }
        Files.delete(out);
        Map<String, Map<String, Long>> hits = CoreFile.count(core, heap, patterns);
        long coreBytes = Files.size(core);
        System.out.printf("core probe %s: open + gcore %d ms, scan %d ms%n", engine, (dumped - started) / 1_000_000,
                (System.nanoTime() - dumped) / 1_000_000);
        Files.delete(core);
        return new Report(engine, hits, coreBytes, dataKeys);
    }

    private static void cli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("tensorseal " + args[0] + " exited " + rc + ": " + err.toString(StandardCharsets.UTF_8));
        }
    }

    private static Path model(Path p) throws IOException {
        List<SafetensorsWriter.Declared> declared = new ArrayList<>();
        for (int i = 0; i < TENSORS; i++) {
            declared.add(new SafetensorsWriter.Declared("t" + i, "U8", new long[] {TENSOR_BYTES}));
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafetensorsWriter w = new SafetensorsWriter(ch, declared, Map.of());
            for (int i = 0; i < TENSORS; i++) {
                byte[] data = new byte[TENSOR_BYTES];
                byte[] c = canary(i);
                for (int at = 0; at < data.length; at += c.length) {
                    System.arraycopy(c, 0, data, at, c.length);
                }
                w.write(ByteBuffer.wrap(data));
            }
            w.finish();
        }
        return p;
    }

    /**
     * Every secret of the sealed file, derived here from the master key as the library does: KEK = HKDF(master,
     * salt = store id, KeyCustody.KEK_INFO), MAC key = HKDF(master, salt = file id, FileKeys.MAC_INFO), each data
     * key unwrapped from the header with that KEK. Positive controls: the KEK must unwrap every data key, and the
     * MAC key must reproduce the header's MAC (checked with the JDK's Mac), else the patterns are not the file's.
     */
    static Map<String, byte[]> patterns(Path sealed) throws Exception {
        Map<String, byte[]> p = new LinkedHashMap<>();
        byte[] master = masterKey();
        p.put(MASTER, master.clone());
        try (Arena arena = Arena.ofConfined(); KeySource ks = KeySource.bytes(master.clone());
                SecretBytes m = SecretBytes.takeAndWipe(master.clone())) {
            TsealReader.Opened opened = TsealReader.open(sealed, ks, arena);
            StoreSnapshot snap = opened.snapshot();
            try (SecretBytes kek = Hkdf.deriveSecret(m, snap.storeId(), label(KeyCustody.class, "KEK_INFO"), 32);
                    SecretBytes mac = Hkdf.deriveSecret(m, opened.header().fileId(),
                            label(Class.forName("dev.tensorseal.internal.tseal.FileKeys"), "MAC_INFO"), 32)) {
                p.put(KEK, kek.insecureCopy());
                p.put(MAC, mac.insecureCopy());
                checkHeaderMac(sealed, mac.insecureCopy());
                int i = 0;
                for (StoreSnapshot.WrappedKey w : snap.keys()) {
                    try (SecretBytes dek = KeyWrap.unwrapKey(kek, w.wrappedKey())) {
                        p.put(DATA_KEY + " " + i++, dek.insecureCopy());
                    }
                    if (i == 1) {
                        p.put(CONTROL, java.util.Arrays.copyOf(w.wrappedKey(), PATTERN_BYTES));
                    }
                }
                if (i == 0) {
                    throw new IllegalStateException("the sealed file has no data keys");
                }
            }
        }
        for (int t = 0; t < TENSORS; t++) {
            p.put(PLAINTEXT + " t" + t, canary(t));
        }
        return p;
    }

    private static byte[] label(Class<?> owner, String field) throws ReflectiveOperationException {
        java.lang.reflect.Field f = owner.getDeclaredField(field);
        f.setAccessible(true);
        return ((byte[]) f.get(null)).clone();
    }

    private static void checkHeaderMac(Path sealed, byte[] macKey) throws Exception {
        byte[] file = Files.readAllBytes(sealed);
        int headerBytes = ByteBuffer.wrap(file, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(macKey, "HmacSHA256"));
        mac.update(file, 0, headerBytes);
        if (!java.util.Arrays.equals(mac.doFinal(), java.util.Arrays.copyOfRange(file, headerBytes, headerBytes + 32))) {
            throw new IllegalStateException("the derived MAC key does not reproduce the header MAC: wrong label or salt");
        }
    }


    /** Prints key -> copies in the core (heap / elsewhere), per engine: the table of SECURITY.md. */
    public static void main(String[] args) throws Exception {
        String why = unavailableReason();
        if (why != null) {
            System.out.println("core-file probe cannot run: " + why);
            System.exit(2);
        }
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("coredump");
        List<String> engines = args.length > 1 ? List.of(args[1].split(",")) : dev.tensorseal.internal.crypto.GcmEngine.names();
        System.out.println("key wrap: " + KeyWrap.implementation());
        System.out.printf("%-6s | %-10s | %-10s | %-14s | %-16s | %-16s | %s%n", "engine", MASTER, KEK, MAC,
                "data keys (" + "all)", "plaintext (x32B)", "control");
        for (String engine : engines) {
            Report r = run(engine, dir);
            System.out.printf("%-6s | %-10s | %-10s | %-14s | %-16s | %-16s | %d (core %d MiB)%n", engine, cell(r, MASTER),
                    cell(r, KEK), cell(r, MAC), r.totalOf(DATA_KEY, HEAP) + "h/" + r.totalOf(DATA_KEY, ELSEWHERE) + "n of "
                    + r.dataKeys(), r.totalOf(PLAINTEXT, HEAP) + "h/" + r.totalOf(PLAINTEXT, ELSEWHERE) + "n",
                    r.total(CONTROL), r.coreBytes() >> 20);
        }
        System.out.println("h: copies on the Java heap, n: elsewhere (native, stacks); hardened key memory is not dumped");
    }

    private static String cell(Report r, String pattern) {
        return r.count(pattern, HEAP) + "h/" + r.count(pattern, ELSEWHERE) + "n";
    }
}
