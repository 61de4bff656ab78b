package dev.tensorseal.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed command line: positional arguments, options with a value ({@code --out FILE} or {@code --out=FILE})
 * and flags. Anything starting with {@code -} that the command did not declare is a usage error.
 */
final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, List<String>> repeated = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {}

    /** {@code aliases} maps short spellings ({@code -o}) to the long option they stand for. */
    static Args parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions, Map<String, String> aliases) {
        return parse(args, valueOptions, flagOptions, aliases, Set.of());
    }

    /** As {@link #parse(List, Set, Set, Map)}; each of {@code repeatable} (also a value option) may be given more than once. */
    static Args parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions, Map<String, String> aliases,
            Set<String> repeatable) {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                a.positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                a.positional.add(arg);
                continue;
            }
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            name = aliases.getOrDefault(name, name);
            if (flagOptions.contains(name) && inline == null) {
                a.flags.add(name);
            } else if (valueOptions.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (value.isEmpty()) {
                    throw new UsageException(name + " needs a non-empty value");
                }
                if (repeatable.contains(name)) {
                    a.repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                    a.values.putIfAbsent(name, value);
                } else if (a.values.put(name, value) != null) {
                    throw new UsageException(name + " given twice");
                }
            } else {
                throw new UsageException("unknown option '" + arg + "'");
            }
        }
        return a;
    }

    /** {@code args} without {@code --quiet}/{@code -q}: every command accepts it, even one that draws no progress bar. */
    static List<String> withoutQuiet(List<String> args) {
        return args.stream().filter(s -> !s.equals("--quiet") && !s.equals("-q")).toList();
    }

    /** The one positional argument, named {@code what} in the error. */
    String single(String what) {
        if (positional.size() != 1) {
            throw new UsageException("expected one " + what + (positional.isEmpty() ? ", got none"
                    : ", got " + positional.size() + ": " + String.join(" ", positional)));
        }
        return positional.get(0);
    }

    void noPositional() {
        if (!positional.isEmpty()) {
            throw new UsageException("unexpected argument '" + positional.get(0) + "'");
        }
    }

    Optional<String> value(String option) {
        return Optional.ofNullable(values.get(option));
    }

    /** Every value of a repeatable option, in command-line order (empty when absent). */
    List<String> values(String option) {
        return List.copyOf(repeated.getOrDefault(option, List.of()));
    }

    String required(String option) {
        return value(option).orElseThrow(() -> new UsageException("missing " + option));
    }

    Path requiredPath(String option) {
        return Path.of(required(option));
    }

    boolean flag(String option) {
        return flags.contains(option);
    }
}
