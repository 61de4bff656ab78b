package dev.tensorseal.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code tensorseal} sub-command. */
interface Command {
    /** The word that selects it: {@code vectors}, {@code seal}, ... */
    String name();

    /** One line for {@code tensorseal --help}. */
    String summary();

    /** The usage text for {@code tensorseal NAME --help}. */
    String usage();

    /**
     * Runs the command. Exit codes: 0 ok, 1 integrity failure, 2 usage or I/O error.
     *
     * @throws UsageException for bad arguments (printed as one line, exit 2)
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
