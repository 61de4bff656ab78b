package dev.tensorseal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts {@code tensorseal} in a child JVM on this test's class path, for signals, heap limits and environments. */
final class ChildCli {
    private ChildCli() {}

    static ProcessBuilder builder(List<String> jvmOptions, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().putAll(env);
        return b;
    }

    static Process start(String... args) throws IOException {
        return builder(List.of(), Map.of(), args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
