package dev.tensorseal.nativebridge;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-JVM main for the tests that must not run in the test JVM.
 * {@code overflow BINDING}: writes one byte past a region (expected to kill the JVM).
 * {@code memlock BINDING POLICY}: allocates 12 MiB in 1 MiB regions and prints the status.
 */
public final class RegionProbe {
    private RegionProbe() {}

    public static void main(String[] args) throws Exception {
        SecureMemory memory = SecureMemory.create(args[1],
                args.length > 2 ? MemoryPolicy.parse(args[2]) : MemoryPolicy.BEST_EFFORT);
        switch (args[0]) {
            case "overflow" -> overflow(memory);
            case "memlock" -> memlock(memory);
            case "status" -> System.out.println("STATUS " + memory.status());
            case "harden" -> {
                System.out.println("HARDENED " + memory.hardenProcess());
                java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits")).stream()
                        .filter(l -> l.startsWith("Max core file size")).forEach(System.out::println);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    @SuppressWarnings("restricted") // the point: touch the guard page
    private static void overflow(SecureMemory memory) {
        SecureRegion region = memory.allocate(memory.pageSizeBytes() + 64);
        MemorySegment s = region.segment();
        long guard = region.pagesAddress() + region.pagesBytes();
        System.out.println("GUARD " + Long.toHexString(guard) + " " + Long.toHexString(guard + memory.pageSizeBytes())
                + " END " + Long.toHexString(s.address() + s.byteSize()));
        System.out.flush();
        MemorySegment.ofAddress(s.address() + s.byteSize()).reinterpret(1).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        System.out.println("SURVIVED");
    }

    private static void memlock(SecureMemory memory) throws Exception {
        List<SecureRegion> held = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                held.add(memory.allocate(1 << 20));
            }
        } catch (NativeException e) {
            System.out.println("FAILED " + e.getMessage());
            System.exit(3);
        }
        MemoryStatus st = memory.status();
        SecureRegion last = held.getLast();
        Smaps.Mapping m = Smaps.containing(last.pagesAddress()).orElseThrow();
        System.out.println("STATUS locked=" + st.lockedBytes() + " unlocked=" + st.unlockedBytes() + " soft="
                + st.memlockSoftBytes() + " ipclock=" + st.ipcLockCapability() + " mlock=" + st.mlock());
        System.out.println("LAST " + (last.isLocked() ? "locked" : "unlocked") + " " + m.describe());
        for (SecureRegion r : held) {
            r.close();
        }
        System.out.println("AFTER locked=" + memory.status().lockedBytes() + " unlocked=" + memory.status().unlockedBytes());
    }
}
