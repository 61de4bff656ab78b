package dev.tensorseal.cli;

import dev.tensorseal.devtools.bench.EngineLoops;
import java.io.PrintStream;

/**
 * {@code bench} without {@code --json}: the report as a table that fits 80 columns, with sizes, rates and times for
 * people ({@link Human}). The JSON has every figure under its published name; this shows the same run at a glance.
 */
final class BenchTable {
    static final int WIDTH = 80;
    private static final String ROW = "%-40s %18s %18s";

    private final PrintStream out;

    private BenchTable(PrintStream out) {
        this.out = out;
    }

    static void print(BenchReport r, PrintStream out) {
        new BenchTable(out).report(r);
    }

    private void report(BenchReport r) {
        BenchReport.Setup s = r.setup();
        line("tensorseal bench: " + Human.bytes(s.sizeBytes()) + " tensor, " + (s.chunkBytes() >> 10) + " KiB chunks, "
                + s.threads() + " threads (" + s.cpus() + " CPUs)");
        line("jdk: " + s.jdk() + ", jce warm-up " + Human.micros(s.warmUpMillis() * 1e3));
        r.local().ifPresent(this::local);
        section("remote .tseal over loopback HTTP", "", "");
        RemoteBench.Figures rm = r.remote();
        row("load, " + rm.concurrency() + " requests in flight", "", Human.rate(rm.loadGbps()));
        row("plain ranged download", "", Human.rate(rm.plainGbps()));
        row("load / plain download", "", Human.ratio(rm.ratio()));
        row("load without read-ahead", "", Human.rate(rm.noReadAheadGbps()));
        row("first tensor, remote", "", Human.micros(rm.remoteFirstTensorMillis() * 1e3));
        row("first tensor, local file", "", Human.micros(rm.localFirstTensorMillis() * 1e3));
        r.plot().ifPresent(p -> line("plot: " + p));
    }

    private void local(BenchReport.Local l) {
        BenchReport.Engines e = l.engines();
        line("engine: " + e.defaultEngine() + " (" + e.defaultImplementation() + ")");
        e.ossl().ifPresent(o -> line("ossl: " + o));
        section("AES-256-GCM alone", "seal", "open");
        row("raw JDK, heap to heap", Human.rate(l.raw().sealGbps()), Human.rate(l.raw().openGbps()));
        row("bc (Bouncy Castle), off-heap", Human.rate(l.bcGbps()), "");
        for (EngineLoops.EngineFigures f : e.loops()) {
            row(f.engine() + ", native to native", Human.rate(f.sealGbps()), Human.rate(f.openGbps()));
            row(f.engine() + ", one cached chunk opened", "", Human.micros(f.chunkOpenMicros()));
        }
        StoreBench.Figures st = l.store();
        section("store (" + e.defaultEngine() + ")", "seal", "unseal");
        row("1 thread", Human.rate(st.one().sealGbps()), Human.rate(st.one().unsealGbps()));
        row("all threads", Human.rate(st.all().sealGbps()), Human.rate(st.all().unsealGbps()));
        row("first round (fresh memory)", Human.rate(st.one().freshSealGbps()), Human.rate(st.one().freshUnsealGbps()));
        for (StoreBench.OtherEngine o : st.otherEngines()) {
            row("on " + o.engine() + ", 1 thread", Human.rate(o.sealGbps()), Human.rate(o.unsealGbps()));
        }
        row("view close (zeroing)", "", Human.rate(st.one().closeGbps()));
        row("random 4 KiB slice read", "", Human.micros(st.sliceReadMicros()));
        row("random whole-chunk read", "", Human.micros(st.chunkReadMicros()));
        section(".tseal file", "write", "read");
        row("save", Human.rate(st.saveGbps()), "");
        row("verify, " + st.verifyThreads() + " threads", "", Human.rate(st.verifyGbps()));
        row("read, 1 thread", "", Human.rate(st.fileUnsealGbps()));
        BenchReport.Cold c = l.cold();
        row("fresh JVM, first " + Human.bytes(c.bytes()) + " (" + c.defaultEngine().engine() + ")", "",
                Human.rate(c.defaultEngine().coldUnsealGbps()));
        for (BenchColdChild.Figures o : c.others()) {
            row("fresh JVM (" + o.engine() + ")", "", Human.rate(o.coldUnsealGbps()));
        }
        row("file size / tensor size", "", Human.ratio(st.fileOverheadRatio()));
        section("ratios", "", "");
        row("seal, unseal / raw JDK", Human.ratio(l.sealRatio()), Human.ratio(l.unsealRatio()));
        row("all threads / 1 thread (unseal)", "", Human.ratio(l.parallelSpeedup()));
        row("fresh JVM / warm all threads", "", Human.ratio(l.coldRatio(c.defaultEngine())));
        row("file read / store unseal", "", Human.ratio(st.fileUnsealRatio()));
        row("verify / raw JDK", "", Human.ratio(l.verifyRatio()));
        row("slice read / cached chunk open", "", Human.ratio(l.sliceToChunkRatio()));
        row("slice read / random chunk read", "", Human.ratio(l.sliceToChunkReadRatio()));
    }

    private void section(String title, String a, String b) {
        out.println();
        row(title, a, b);
        line("-".repeat(WIDTH));
    }

    private void row(String label, String a, String b) {
        line(String.format(ROW, label, a, b).stripTrailing());
    }

    /** Every line is cut to {@link #WIDTH}: a long JDK name must not wrap the table. */
    private void line(String text) {
        out.println(text.length() > WIDTH ? text.substring(0, WIDTH - 1) + "~" : text);
    }
}
