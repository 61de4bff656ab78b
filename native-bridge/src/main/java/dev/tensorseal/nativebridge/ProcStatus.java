package dev.tensorseal.nativebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code /proc/self/status} says about this process that hardened memory depends on. */
final class ProcStatus {
    private static final long CAP_IPC_LOCK = 1L << 14;

    private ProcStatus() {}

    /** CAP_IPC_LOCK (bit 14 of CapEff) lets the kernel ignore RLIMIT_MEMLOCK for this process. */
    static boolean hasIpcLockCapability() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & CAP_IPC_LOCK) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false; // unknown: assume the limit applies (the safe reading)
        }
        return false;
    }
}
