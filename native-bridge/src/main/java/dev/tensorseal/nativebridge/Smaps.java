package dev.tensorseal.nativebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's view of this process's mappings, read from {@code /proc/self/smaps}: how
 * {@code tensorseal doctor} and the tests check that a region really carries {@code lo} (locked),
 * {@code dd} (don't dump) and {@code wf} (wipe on fork), and that its neighbours are guard pages.
 */
public final class Smaps {
    private static final Path SMAPS = Path.of("/proc/self/smaps");

    private Smaps() {}

    /**
     * One VMA.
     *
     * @param start    first address
     * @param end      one past the last address
     * @param perms    {@code rw-p}, {@code ---p}, {@code rw-s}...
     * @param path     backing file or pseudo-name ({@code /secretmem (deleted)}), empty for anonymous
     * @param vmFlags  two-letter VmFlags ({@code lo}, {@code dd}, {@code wf}, {@code dc}...)
     * @param lockedKb the {@code Locked:} line
     */
    public record Mapping(long start, long end, String perms, String path, Set<String> vmFlags, long lockedKb) {
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }

        /** No access at all: what a guard page looks like. */
        public boolean isNoAccess() {
            return perms.startsWith("---");
        }

        /** The header line as the kernel prints it plus the flags, for messages. */
        public String describe() {
            return Long.toHexString(start) + "-" + Long.toHexString(end) + " " + perms
                    + (path.isEmpty() ? "" : " " + path) + " Locked: " + lockedKb + " kB VmFlags: "
                    + String.join(" ", vmFlags.stream().sorted().toList());
        }
    }

    /** Every mapping, in address order. */
    public static List<Mapping> read() throws IOException {
        List<Mapping> result = new ArrayList<>();
        long start = 0;
        long end = 0;
        String perms = "";
        String path = "";
        long lockedKb = 0;
        for (String line : Files.readAllLines(SMAPS)) {
            int space = line.indexOf(' ');
            int dash = line.indexOf('-');
            if (dash > 0 && space > dash && isHex(line, 0, dash)) {
                String[] f = line.trim().split("\\s+", 6);
                start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                perms = f[1];
                path = f.length == 6 ? f[5] : "";
                lockedKb = 0;
            } else if (line.startsWith("Locked:")) {
                lockedKb = Long.parseLong(line.substring(7).replace("kB", "").trim());
            } else if (line.startsWith("VmFlags:")) {
                Set<String> flags = Set.copyOf(Arrays.asList(line.substring(8).trim().split("\\s+")));
                result.add(new Mapping(start, end, perms, path, flags, lockedKb));
            }
        }
        return result;
    }

    /** The mapping that holds {@code address}, if any. */
    public static Optional<Mapping> containing(long address) throws IOException {
        return read().stream().filter(m -> m.contains(address)).findFirst();
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return to > from;
    }
}
