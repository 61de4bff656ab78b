package dev.tensorseal.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A SoftHSM2 token for tests, one per JVM: a temporary folder holding a {@code softhsm2.conf} and the token store,
 * the token initialised with {@code softhsm2-util --init-token}, and {@code SOFTHSM2_CONF} set in this process's
 * C environment (libc {@code setenv}) before any test loads the module, which reads it once at
 * {@code C_Initialize}. {@link #get()} is empty, with {@link #missingReason()}, where softhsm2 is not installed:
 * the test skips with that reason outside CI and fails under CI=true (.ci/run installs it).
 */
public final class SoftHsm {
    /** Where Debian's libsofthsm2 puts the module. */
    public static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String TOKEN = "tensorseal-test";
    public static final String USER_PIN = "2718-test-pin";
    private static final String UTIL = "/usr/bin/softhsm2-util";

    private static volatile SoftHsm instance;
    private static volatile String missing;

    private final Path dir;

    private SoftHsm(Path dir) {
        this.dir = dir;
    }

    /** The token, made on first use; empty when softhsm2 is missing (see {@link #missingReason()}). */
    public static synchronized Optional<SoftHsm> get() {
        if (instance == null && missing == null) {
            if (!Files.isRegularFile(MODULE) || !Files.isExecutable(Path.of(UTIL))) {
                missing = "softhsm2 is not installed (" + MODULE + " / " + UTIL + "); apt-get install softhsm2";
            } else {
                try {
                    instance = create();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException("cannot initialise a SoftHSM2 token: " + e.getMessage(), e);
                }
            }
        }
        return Optional.ofNullable(instance);
    }

    /** Why {@link #get()} is empty. */
    public static String missingReason() {
        return missing;
    }

    /** Whether a missing prerequisite must fail rather than skip (CI=true or -Dtensorseal.ci=true). */
    public static boolean underCi() {
        return Prerequisites.underCi();
    }

    private static SoftHsm create() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tensorseal-softhsm-");
        Path tokens = Files.createDirectory(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n"
                + "slots.removable = false\n");
        ProcessBuilder pb = new ProcessBuilder(UTIL, "--init-token", "--free", "--label", TOKEN, "--so-pin", "31415-so",
                "--pin", USER_PIN).redirectErrorStream(true).redirectOutput(dir.resolve("init.log").toFile());
        pb.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("softhsm2-util --init-token failed: " + Files.readString(dir.resolve("init.log")));
        }
        setenv("SOFTHSM2_CONF", conf.toString());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        return new SoftHsm(dir);
    }

    /** The folder holding the config and the token store. */
    public Path dir() {
        return dir;
    }

    /** Writes the user PIN to a new file in {@code folder}, with the trailing newline an editor leaves, and returns it. */
    public Path pinFile(Path folder) throws IOException {
        return Files.writeString(folder.resolve("token.pin"), USER_PIN + "\n");
    }

    /** A {@code pkcs11:} URI for key {@code label} in this token, its PIN from {@code pinFile}. */
    public String uri(String label, Path pinFile) {
        return "pkcs11:token=" + TOKEN + ";object=" + label + "?module-path=" + MODULE + "&pin-source=file:" + pinFile;
    }

    /** Sets a variable in the C environment (what native code's getenv sees; {@link System#getenv} does not). */
    @SuppressWarnings("restricted")
    public static void setenv(String name, String value) {
        Linker linker = Linker.nativeLinker();
        MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) setenv.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value, StandardCharsets.UTF_8), 1);
            if (rc != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed");
            }
        } catch (Throwable t) {
            throw new IllegalStateException("setenv(" + name + "): " + t, t);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
