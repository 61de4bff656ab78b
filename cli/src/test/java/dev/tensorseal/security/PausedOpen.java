package dev.tensorseal.security;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.ListeningConnector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import dev.tensorseal.cli.Main;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tensorseal open} in a child JVM under a debugger: stopped (every thread) at a breakpoint while it writes a
 * tensor, cored there with {@code gcore}, then let run to its end, which must be exit 0.
 */
final class PausedOpen {
    /** Where the child stops: a tensor's plaintext is being written (its view is open). */
    static final String BREAK_CLASS = SafetensorsWriter.class.getName();
    static final String BREAK_METHOD = "write";
    static final int BREAK_HIT = 2;
    private static final long TIMEOUT_SECONDS = 120;

    private PausedOpen() {}

    /** Runs the open on {@code engine}, cores it at the breakpoint into {@code core}, lets it finish; returns the Java heap's range. */
    static long[] run(String engine, Path sealed, Path key, Path out, Path core, Path heapLog) throws Exception {
        ListeningConnector connector = Bootstrap.virtualMachineManager().listeningConnectors().stream()
                .filter(c -> c.transport().name().equals("dt_socket")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no JDI socket connector"));
        Map<String, Connector.Argument> args = connector.defaultArguments();
        args.get("localAddress").setValue("127.0.0.1");
        args.get("port").setValue("0");
        args.get("timeout").setValue(Long.toString(TIMEOUT_SECONDS * 1000));
        String address = connector.startListening(args);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = core.resolveSibling("child.log");
        // Small reservations (heap, class space, code cache, malloc arenas) keep the core near 0.5 GiB instead of 2.7.
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx96m", "-XX:+UseG1GC", "-XX:CompressedClassSpaceSize=32m",
                "-XX:ReservedCodeCacheSize=32m", "--enable-native-access=ALL-UNNAMED",
                "-Dtensorseal.engine=" + engine, "-Xlog:gc+exit=info:file=" + heapLog,
                "-agentlib:jdwp=transport=dt_socket,server=n,suspend=y,address=" + address,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "open", sealed.toString(), "-o", out.toString(), "--key-file", key.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process child = pb.start();
        try {
            VirtualMachine vm = connector.accept(args);
            connector.stopListening(args);
            boolean dumped = false;
            ClassPrepareRequest prepare = vm.eventRequestManager().createClassPrepareRequest();
            prepare.addClassFilter(BREAK_CLASS);
            prepare.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            prepare.enable();
            vm.resume();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            events:
            while (true) {
                EventSet set = vm.eventQueue().remove(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (set == null) {
                    throw new IllegalStateException("the CLI child did not reach " + BREAK_CLASS + "." + BREAK_METHOD + " in time");
                }
                for (Event e : set) {
                    if (e instanceof ClassPrepareEvent cp) {
                        breakAt(vm, cp.referenceType());
                    } else if (e instanceof BreakpointEvent) {
                        gcore(child.pid(), core);
                        dumped = true;
                    } else if (e instanceof VMDeathEvent || e instanceof VMDisconnectEvent) {
                        break events;
                    }
                }
                set.resume();
            }
            if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the CLI child did not finish");
            }
            if (child.exitValue() != 0 || !dumped) {
                throw new IllegalStateException("the CLI child exited " + child.exitValue() + (dumped ? "" : " before the breakpoint")
                        + ": " + Files.readString(log));
            }
            return heapRange(heapLog);
        } finally {
            child.destroyForcibly();
        }
    }

    private static void breakAt(VirtualMachine vm, ReferenceType type) {
        List<Method> methods = type.methodsByName(BREAK_METHOD);
        if (methods.isEmpty()) {
            throw new IllegalStateException(BREAK_CLASS + " has no method " + BREAK_METHOD + ": update the probe's breakpoint");
        }
        BreakpointRequest b = vm.eventRequestManager().createBreakpointRequest(methods.getFirst().location());
        b.addCountFilter(BREAK_HIT);
        b.setSuspendPolicy(EventRequest.SUSPEND_ALL);
        b.enable();
    }

    private static void gcore(long pid, Path core) throws IOException, InterruptedException {
        Path prefix = core.resolveSibling("gcore");
        Process p = new ProcessBuilder("gcore", "-o", prefix.toString(), Long.toString(pid)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("gcore failed: " + text);
        }
        Files.move(prefix.resolveSibling("gcore." + pid), core);
    }

    /** The heap's range as G1 logs it at exit: {@code garbage-first heap ... [0xf4000000, 0x100000000)}. */
    private static final Pattern HEAP_LINE = Pattern.compile("garbage-first heap .*\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

    private static long[] heapRange(Path heapLog) throws IOException {
        Matcher m = HEAP_LINE.matcher(Files.readString(heapLog));
        if (!m.find()) {
            throw new IllegalStateException("no heap address in " + heapLog + ": " + Files.readString(heapLog));
        }
        return new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
    }
}
