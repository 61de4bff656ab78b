package dev.tensorseal.nativebridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test main in a fresh JVM (same java, same class path), optionally behind a wrapper command. */
final class ChildJvm {
    record Result(int exitCode, String output) {}

    private ChildJvm() {}

    static List<String> javaCommand(List<String> jvmArgs, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx64m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Wraps a java command so a crash aborts (exit 134, as HotSpot does by default) without
     * writing a core file: {@code -XX:-CreateCoredumpOnCrash} would make HotSpot exit 1 instead.
     */
    static List<String> withoutCoreFile(List<String> command) {
        return List.of("/bin/sh", "-c", "ulimit -c 0 && exec " + shellQuote(command));
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tensorseal-child", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child JVM did not finish in 120 s: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * A prefix that runs the rest of the command without CAP_IPC_LOCK under {@code ulimit -l 8192},
     * or null (reason printed) when neither setpriv nor capsh exists here.
     */
    static List<String> withoutIpcLock(String shellCommand) {
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return List.of("/usr/bin/setpriv", "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock",
                    "/bin/sh", "-c", shellCommand);
        }
        if (Files.isExecutable(Path.of("/usr/sbin/capsh")) || Files.isExecutable(Path.of("/sbin/capsh"))) {
            String capsh = Files.isExecutable(Path.of("/usr/sbin/capsh")) ? "/usr/sbin/capsh" : "/sbin/capsh";
            return List.of(capsh, "--drop=cap_ipc_lock", "--", "-c", shellCommand);
        }
        return null;
    }

    /** Quotes for /bin/sh. */
    static String shellQuote(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            sb.append(sb.isEmpty() ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }
}
