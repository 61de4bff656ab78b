package dev.tensorseal.cli;

import dev.tensorseal.internal.crypto.EngineSpec;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.VectorAdapters;
import dev.tensorseal.vectors.Outcome;
import dev.tensorseal.vectors.Tally;
import dev.tensorseal.vectors.Transcribed;
import dev.tensorseal.vectors.VectorCheck;
import dev.tensorseal.vectors.VectorFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code tensorseal vectors}: runs published test vectors against the engines. Each file's
 * format is detected from its content; GCM cases run on every chosen engine, key wrap and HKDF
 * cases once (one implementation each).
 */
final class VectorsCommand implements Command {

    @Override
    public String name() {
        return "vectors";
    }

    @Override
    public String summary() {
        return "run published test vectors (NIST, RFC, Wycheproof) against the crypto engines";
    }

    @Override
    public String usage() {
        String names = GcmEngine.registry().stream().map(EngineSpec::name).collect(Collectors.joining("|"));
        StringBuilder engines = new StringBuilder();
        for (EngineSpec spec : GcmEngine.registry()) {
            engines.append(String.format(Locale.ROOT, "%n                    %-5s %s%s", spec.name(), spec.description(),
                    spec.available() ? "" : " (not here: " + spec.unavailableReason() + ")"));
        }
        return """
                usage: tensorseal vectors [--engine %s|all] [--verbose] [FILE...]

                Runs every case of each FILE against tensorseal's crypto and prints one line per file
                and engine, then 'N passed, M failed, K skipped'. Exit status 0 iff nothing failed.
                Formats, detected from the content: NIST CAVP GCM .rsp, NIST SP 800-38F key wrap .txt,
                RFC 5869 HKDF text, Wycheproof JSON (aead_test_schema for AES-GCM, hkdf_test_schema).
                Without FILE, runs the sets transcribed by hand into tensorseal (GCM spec, RFC 5869, RFC 3394).

                A case that must fail passes when it is rejected. Skipped means only: the engine does not
                support the case's parameters (e.g. 4-byte tags on jce, IVs other than 12 bytes on vaes) and
                rejected them.

                  --engine NAME   one engine, or all of those that run here (the default);
                                  key wrap and HKDF have one implementation:%s
                  --verbose       also print why cases were skipped""".formatted(names, engines);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        List<String> engines = GcmEngine.names();
        boolean verbose = false;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--engine") || a.startsWith("--engine=")) {
                String v;
                if (a.equals("--engine")) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--engine needs a value: " + String.join(", ", GcmEngine.names()) + " or all");
                    }
                    v = args.get(++i);
                } else {
                    v = a.substring("--engine=".length());
                }
                if (v.equals("all")) {
                    engines = GcmEngine.names();
                } else if (GcmEngine.names().contains(v)) {
                    engines = List.of(v);
                } else {
                    throw new UsageException("unknown engine '" + v + "': expected " + String.join(", ", GcmEngine.names()) + " or all"
                            + (v.equals("ossl") ? " (" + osslReason() + ")" : ""));
                }
            } else if (a.equals("--verbose") || a.equals("-v")) {
                verbose = true;
            } else if (a.equals("--quiet") || a.equals("-q")) {
                verbose = false; // accepted on every command; vectors draws no progress bar
            } else if (a.startsWith("-") && !a.equals("-")) {
                throw new UsageException("unknown option '" + a + "' (see tensorseal vectors --help)");
            } else {
                files.add(Path.of(a));
            }
        }
        // Check every file before running any, so a typo fails fast with nothing half done.
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new UsageException("cannot read " + f + (Files.isDirectory(f) ? ": it is a directory" : Files.exists(f) ? "" : ": no such file"));
            }
        }
        Tally total = new Tally();
        if (files.isEmpty()) {
            for (Transcribed t : Transcribed.values()) {
                run(t.load(), "(bundled) ", engines, verbose, total, out);
            }
        } else {
            for (Path f : files) {
                run(VectorFile.load(f), "", engines, verbose, total, out);
            }
        }
        out.println(total.counts());
        return total.failed() == 0 ? 0 : 1;
    }

    private static String osslReason() {
        try {
            GcmEngine.named("ossl");
            return "unknown";
        } catch (dev.tensorseal.UnsupportedParameterException e) {
            return e.getMessage();
        }
    }

    private static void run(VectorFile file, String label, List<String> engines, boolean verbose, Tally total, PrintStream out) {
        if (!file.gcm().isEmpty()) {
            for (String name : engines) {
                try (VectorAdapters.Gcm adapter = new VectorAdapters.Gcm(GcmEngine.named(name))) {
                    print(label + file.name(), name, VectorCheck.gcm(file.gcm(), adapter), verbose, total, out);
                }
            }
        }
        if (!file.keyWrap().isEmpty()) {
            print(label + file.name(), "keywrap", VectorCheck.keyWrap(file.keyWrap(), VectorAdapters.KEY_WRAP), verbose, total, out);
        }
        if (!file.hkdf().isEmpty()) {
            print(label + file.name(), "hkdf", VectorCheck.hkdf(file.hkdf(), VectorAdapters.HKDF), verbose, total, out);
        }
    }

    private static void print(String file, String impl, Tally t, boolean verbose, Tally total, PrintStream out) {
        out.println(file + " [" + impl + "]: " + t.counts());
        for (Outcome f : t.failures()) {
            out.println("  FAILED " + f.id() + ": " + f.detail());
        }
        if (t.failed() > t.failures().size()) {
            out.println("  ... and " + (t.failed() - t.failures().size()) + " more failures");
        }
        if (verbose) {
            t.skipReasons().forEach((reason, n) -> out.println("  skipped " + n + ": " + reason));
        }
        total.addAll(t);
    }
}
