package dev.tensorseal.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code tensorseal bench}'s arguments, checked before anything runs: a bad size, thread count or plot file fails
 * in a second, not after minutes of benchmarking.
 */
record BenchOptions(long sizeBytes, int threads, boolean json, Optional<Path> plot, boolean remoteOnly) {
    static final int CHUNK_BYTES = 64 << 10;
    private static final long MAX_SIZE_BYTES = 64L << 30;

    static final String USAGE = """
            usage: tensorseal bench [--size BYTES] [--threads N] [--json] [--plot FILE.png [--force]] [--remote-only]
              --size     tensor size, e.g. 1GiB, 256MiB, 8MiB or plain bytes (default 1GiB)
              --threads  threads for the all-core figures (default: available processors)
              --json     print one JSON object instead of a table
              --plot     also write a PNG of throughput against chunk size and thread count
              --force    replace an existing --plot file
              --remote-only  only the remote figures: a model of --size bytes from a loopback HTTP server""";

    static BenchOptions parse(List<String> args) {
        long size = 1L << 30;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean json = false;
        String plot = null;
        boolean force = false;
        boolean remoteOnly = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--size" -> size = parseSize(value(args, ++i, a));
                case "--threads" -> threads = parseThreads(value(args, ++i, a));
                case "--json" -> json = true;
                case "--remote-only" -> remoteOnly = true;
                case "--quiet", "-q" -> { } // accepted on every command; bench draws no progress bar
                case "--plot" -> plot = value(args, ++i, a);
                case "--force" -> force = true;
                default -> throw new UsageException("unknown argument '" + a + "'");
            }
        }
        Optional<Path> plotFile = plot == null ? Optional.empty() : Optional.of(plotFile(plot, force));
        return new BenchOptions(size, threads, json, plotFile, remoteOnly);
    }

    /** A .png name in an existing, writable folder; an existing file only with {@code --force}. */
    private static Path plotFile(String arg, boolean force) {
        if (!Path.of(arg).getFileName().toString().endsWith(".png")) {
            throw new UsageException("--plot needs a .png file name, got " + arg);
        }
        return Paths.output(arg, force);
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(i);
    }

    static long parseSize(String s) {
        String t = s.trim();
        long unit = 1;
        for (String[] u : new String[][] {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}, {"G", "1073741824"},
                {"M", "1048576"}, {"K", "1024"}}) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        long v;
        try {
            v = Math.multiplyExact(Long.parseLong(t.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--size must be a number of bytes with an optional KiB/MiB/GiB suffix, got '" + s + "'");
        }
        if (v < CHUNK_BYTES || v % CHUNK_BYTES != 0) {
            throw new UsageException("--size must be a positive multiple of 64 KiB (the chunk size), got " + v + " bytes");
        }
        if (v > MAX_SIZE_BYTES) {
            throw new UsageException("--size is at most 64GiB, got " + v + " bytes");
        }
        return v;
    }

    private static int parseThreads(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException("--threads must be a whole number from 1 to 1024, got '" + s + "'");
    }
}
