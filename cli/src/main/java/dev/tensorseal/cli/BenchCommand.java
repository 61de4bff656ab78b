package dev.tensorseal.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code tensorseal bench}: in one run, the raw JDK AES-256-GCM baseline, Bouncy Castle, store seal and unseal, slice
 * reads, .tseal verify, all cores, and the cold figure in a fresh child JVM ({@link BenchRun}); a table for people
 * ({@link BenchTable}) or one JSON object ({@link BenchJson}).
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure seal/unseal throughput against the raw JDK AES-GCM baseline";
    }

    @Override
    public String usage() {
        return BenchOptions.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        BenchReport report = new BenchRun(options, options.json() ? err : out).run();
        if (options.json()) {
            out.println(BenchJson.toJson(report));
        } else {
            BenchTable.print(report, out);
        }
        return 0;
    }
}
