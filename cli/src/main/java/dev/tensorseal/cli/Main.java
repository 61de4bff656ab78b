package dev.tensorseal.cli;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.TensorSealException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code tensorseal} command line. */
public final class Main {
    /** Every command, in the order {@code --help} lists them. Register new commands here. */
    static final List<Command> COMMANDS = List.of(new KeygenCommand(), new SealCommand(), new OpenCommand(), new InspectCommand(),
            new VerifyCommand(), new SignCommand(), new RekeyCommand(), new DoctorCommand(), new GpuInfoCommand(), new AttestCommand(),
            new VectorsCommand(), new BenchCommand());

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code. Used by tests without forking a JVM. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean debug = rest.remove("--debug");
        if (rest.isEmpty() || rest.get(0).equals("--help") || rest.get(0).equals("-h") || rest.get(0).equals("help")) {
            printHelp(out);
            return rest.isEmpty() ? 2 : 0;
        }
        if (rest.get(0).equals("--version")) {
            out.println("tensorseal " + version());
            return 0;
        }
        String name = rest.remove(0);
        Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            err.println("tensorseal: unknown command '" + name + "' (see tensorseal --help)");
            return 2;
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(command.usage());
            return 0;
        }
        try {
            return command.run(rest, out, err);
        } catch (UsageException e) {
            err.println("tensorseal " + name + ": " + e.getMessage());
            return 2;
        } catch (IntegrityException e) {
            err.println("tensorseal " + name + ": " + e.getMessage());
            trace(debug, e, err);
            return 1;
        } catch (FileAlreadyExistsException e) {
            err.println("tensorseal " + name + ": " + e.getFile() + " already exists (pass --force to replace it)");
            trace(debug, e, err);
            return 2;
        } catch (NoSuchFileException e) {
            err.println("tensorseal " + name + ": no such file: " + e.getMessage());
            trace(debug, e, err);
            return 2;
        } catch (IOException | TensorSealException e) {
            err.println("tensorseal " + name + ": " + e.getMessage());
            trace(debug, e, err);
            return 2;
        } catch (Exception | Error e) {
            err.println("tensorseal " + name + ": internal error: " + e + " (rerun with --debug for details)");
            trace(debug, e, err);
            return 2;
        }
    }

    private static void trace(boolean debug, Throwable t, PrintStream err) {
        if (debug) {
            t.printStackTrace(err);
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    private static void printHelp(PrintStream out) {
        out.println("usage: tensorseal [--debug] COMMAND [ARGS]");
        out.println("       tensorseal --version | --help");
        out.println();
        out.println("commands:");
        for (Command c : COMMANDS) {
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("Run 'tensorseal COMMAND --help' for a command's options.");
    }
}
