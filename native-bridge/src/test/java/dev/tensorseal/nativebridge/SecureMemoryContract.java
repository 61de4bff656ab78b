package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.tensorseal.testing.Prerequisites;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OS-memory contract, run once per binding by the subclasses. Every check reads the kernel's side. */
abstract class SecureMemoryContract {
    abstract String binding();

    private SecureMemory memory() {
        SecureMemory m = SecureMemory.create(binding(), MemoryPolicy.BEST_EFFORT);
        assertTrue(m.isAvailable(), () -> binding() + " binding unavailable: " + m.status().unavailableReason());
        return m;
    }

    @Test
    void regionPagesCarryLockedDontDumpAndWipeOnForkFlags() throws Exception {
        SecureMemory memory = memory();
        try (SecureRegion region = memory.allocate(64 * 1024)) {
            Smaps.Mapping m = Smaps.containing(region.segment().address()).orElseThrow();
            System.out.println(binding() + " region: " + m.describe());
            assertTrue(m.vmFlags().contains("lo"), m::describe);
            assertTrue(m.vmFlags().contains("dd"), m::describe);
            assertTrue(m.vmFlags().contains("wf") || memory.status().dontForkFallback(), m::describe);
            assertEquals(64, m.lockedKb(), m::describe);
            assertTrue(region.isLocked());
            assertEquals(region.pagesBytes(), memory.status().lockedBytes());
        }
        assertEquals(0, memory.status().lockedBytes());
        assertEquals(0, memory.status().openRegions());
    }

    @Test
    void largeRegionsAreLockedAsTheirPagesAreFirstWritten() throws Exception {
        SecureMemory memory = memory();
        long size = 4L << 20;
        try (SecureRegion region = memory.allocate(size)) {
            Smaps.Mapping before = Smaps.containing(region.segment().address()).orElseThrow();
            System.out.println(binding() + " large region: " + before.describe());
            // mlock2(MLOCK_ONFAULT): locked ("lo") on fault ("lf"), charged to the lock budget in full at once.
            assertTrue(before.vmFlags().contains("lo") && before.vmFlags().contains("lf"), before::describe);
            assertTrue(before.vmFlags().contains("dd"), before::describe);
            assertTrue(region.isLocked());
            assertEquals(region.pagesBytes(), memory.status().lockedBytes());
            assertTrue(before.lockedKb() < size / 1024, () -> "populated before any write: " + before.describe());
            region.segment().fill((byte) 1);
            Smaps.Mapping after = Smaps.containing(region.segment().address()).orElseThrow();
            assertEquals(size / 1024, after.lockedKb(), after::describe);
        }
        assertEquals(0, memory.status().lockedBytes());
    }

    @Test
    void regionSitsBetweenNoAccessGuardPages() throws Exception {
        try (SecureRegion region = memory().allocate(10_000)) {
            Smaps.Mapping before = Smaps.containing(region.pagesAddress() - 1).orElseThrow();
            Smaps.Mapping after = Smaps.containing(region.pagesAddress() + region.pagesBytes()).orElseThrow();
            assertTrue(before.isNoAccess(), before::describe);
            assertTrue(after.isNoAccess(), after::describe);
            MemorySegment s = region.segment();
            assertEquals(region.pagesAddress() + region.pagesBytes(), s.address() + 10_048,
                    "segment is right-aligned (64-byte rounding) against the trailing guard page");
        }
    }

    @Test
    void writingOneBytePastTheRegionFaultsInTheGuardPage(@TempDir Path dir) throws Exception {
        Path errorFile = dir.resolve("hs_err.log");
        ChildJvm.Result r = ChildJvm.run(ChildJvm.withoutCoreFile(ChildJvm.javaCommand(
                List.of("--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + errorFile),
                RegionProbe.class, "overflow", binding())));
        assertEquals(134, r.exitCode(), r.output());
        assertFalse(r.output().contains("SURVIVED"), r.output());
        Matcher guard = Pattern.compile("GUARD ([0-9a-f]+) ([0-9a-f]+) END ([0-9a-f]+)").matcher(r.output());
        assertTrue(guard.find(), r.output());
        long guardStart = Long.parseUnsignedLong(guard.group(1), 16);
        long guardEnd = Long.parseUnsignedLong(guard.group(2), 16);
        assertEquals(guardStart, Long.parseUnsignedLong(guard.group(3), 16), "segment ends where the guard page starts");
        String hsErr = Files.readString(errorFile);
        assertTrue(hsErr.contains("SIGSEGV"), "error file names SIGSEGV");
        Matcher addr = Pattern.compile("si_addr: 0x([0-9a-f]+)").matcher(hsErr);
        assertTrue(addr.find(), "error file has si_addr");
        long faulting = Long.parseUnsignedLong(addr.group(1), 16);
        System.out.println(binding() + " guard page " + guard.group(1) + "-" + guard.group(2) + ", fault at " + addr.group(1));
        assertTrue(faulting >= guardStart && faulting < guardEnd,
                "fault address " + Long.toHexString(faulting) + " inside the guard page");
    }

    @Test
    void releasedRegionReadsBackZeroBeforeUnmapAndRefusesUseAfterClose() {
        AtomicReference<String> seen = new AtomicReference<>();
        SecureRegion.beforeUnmap = pages -> {
            long nonZero = 0;
            for (long i = 0; i < pages.byteSize(); i++) {
                nonZero += pages.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
            }
            seen.set(pages.byteSize() + " bytes, " + nonZero + " non-zero");
        };
        try {
            SecureRegion region = memory().allocate(3 * 4096);
            MemorySegment s = region.segment();
            s.fill((byte) 0x5a);
            region.close();
            assertEquals(region.pagesBytes() + " bytes, 0 non-zero", seen.get());
            assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(IllegalStateException.class, region::segment);
            region.close(); // idempotent
        } finally {
            SecureRegion.beforeUnmap = null;
        }
    }

    @Test
    void anySizedRegionIsZeroFilledAndWritableToItsLastByte() {
        SecureMemory memory = memory();
        qt().withExamples(40).forAll(integers().between(1, 3 * 4096 + 7)).checkAssert(size -> {
            try (SecureRegion region = memory.allocate(size)) {
                MemorySegment s = region.segment();
                assertEquals((long) size, s.byteSize());
                for (long i = 0; i < size; i++) {
                    if (s.get(ValueLayout.JAVA_BYTE, i) != 0) {
                        fail("byte " + i + " of a fresh region is not zero");
                    }
                }
                s.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 7);
            }
        });
    }

    @Test
    void keySizedSecretUsesMemfdSecretWhereTheKernelAllows() throws Exception {
        SecureMemory memory = memory();
        MemoryStatus status = memory.status();
        try (SecureRegion key = memory.allocateSecret(32)) {
            Smaps.Mapping m = Smaps.containing(key.segment().address()).orElseThrow();
            System.out.println(binding() + " memfd_secret " + status.memfdSecretDetail() + "; key region: " + m.describe());
            assertTrue(m.vmFlags().contains("lo") && m.vmFlags().contains("dd"), m::describe);
            if (status.memfdSecret()) {
                assertTrue(key.isSecret());
                assertTrue(m.path().startsWith("/secretmem"), m::describe);
                assertTrue(m.vmFlags().contains("dc"), "secret pages are kept out of forked children: " + m.describe());
            } else {
                assertFalse(key.isSecret());
                assertFalse(status.memfdSecretDetail().isBlank(), "degraded memfd_secret names the reason");
            }
            key.segment().set(ValueLayout.JAVA_LONG, 24, -1L);
        }
    }

    @Test
    void idleRegionCanBeMadeNoAccessAndBack() throws Exception {
        try (SecureRegion region = memory().allocate(4096)) {
            region.segment().set(ValueLayout.JAVA_INT, 0, 42);
            region.protectNoAccess();
            assertTrue(Smaps.containing(region.pagesAddress()).orElseThrow().isNoAccess());
            assertThrows(IllegalStateException.class, region::segment);
            region.protectReadWrite();
            assertEquals(42, region.segment().get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void optInHardeningDisablesDumpsAndCoreFiles() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.javaCommand(List.of("--enable-native-access=ALL-UNNAMED"),
                RegionProbe.class, "harden", binding()));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("HARDENED [prctl(PR_SET_DUMPABLE, 0), setrlimit(RLIMIT_CORE, 0, 0)]"), r.output());
        assertTrue(Pattern.compile("Max core file size\\s+0\\s+0\\s+bytes").matcher(r.output()).find(), r.output());
    }

    @Test
    void statusReportsTheKernelsMemlockLimits() throws Exception {
        MemoryStatus st = memory().status();
        String limits = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max locked memory")).findFirst().orElseThrow();
        String[] f = limits.substring("Max locked memory".length()).trim().split("\\s+");
        assertEquals(f[0].equals("unlimited") ? -1 : Long.parseLong(f[0]), st.memlockSoftBytes(), limits);
        assertEquals(f[1].equals("unlimited") ? -1 : Long.parseLong(f[1]), st.memlockHardBytes(), limits);
        assertEquals(binding(), st.binding());
        assertTrue(st.nativeAccess() && st.guardPages() && st.available());
    }

    @Test
    void bestEffortBeyondTheLockBudgetKeepsDontDumpAndCountsUnlockedBytes() throws Exception {
        SecureMemory memory = SecureMemory.create(binding(), MemoryPolicy.BEST_EFFORT, 2 * 4096);
        try (SecureRegion fits = memory.allocate(2 * 4096); SecureRegion over = memory.allocate(4096)) {
            assertTrue(fits.isLocked());
            assertFalse(over.isLocked());
            Smaps.Mapping m = Smaps.containing(over.pagesAddress()).orElseThrow();
            assertTrue(m.vmFlags().contains("dd") && !m.vmFlags().contains("lo"), m::describe);
            MemoryStatus st = memory.status();
            assertEquals(4096, st.unlockedBytes());
            assertFalse(st.mlock());
            assertTrue(st.degradations().stream().anyMatch(d -> d.startsWith("mlock: ")), st.degradations()::toString);
        }
        assertEquals(0, memory.status().unlockedBytes());
    }

    @Test
    void strictBeyondTheLockBudgetRefusesAndNamesTheBudget() {
        SecureMemory memory = SecureMemory.create(binding(), MemoryPolicy.STRICT, 4096);
        try (SecureRegion fits = memory.allocate(4096)) {
            NativeException e = assertThrows(NativeException.class, () -> memory.allocate(4096));
            assertTrue(e.getMessage().contains("lock budget of 4096 bytes"), e.getMessage());
            assertTrue(fits.isLocked());
        }
        assertEquals(0, memory.status().openRegions());
    }

    @Test
    void bestEffortWithoutIpcLockUnderUlimit8MiBReportsUnlockedBytes() throws Exception {
        ChildJvm.Result r = runWithoutIpcLock("best-effort");
        if (r == null) {
            return;
        }
        assertEquals(0, r.exitCode(), r.output());
        Matcher m = Pattern.compile("STATUS locked=(\\d+) unlocked=(\\d+) soft=(\\d+) ipclock=false mlock=false").matcher(r.output());
        assertTrue(m.find(), r.output());
        long locked = Long.parseLong(m.group(1));
        long unlocked = Long.parseLong(m.group(2));
        assertEquals(8L << 20, Long.parseLong(m.group(3)));
        assertTrue(locked <= 8L << 20 && locked >= 7L << 20, r.output());
        assertEquals(12L << 20, locked + unlocked, r.output());
        assertTrue(r.output().contains("LAST unlocked") && r.output().contains(" dd"), r.output());
        assertTrue(r.output().contains("AFTER locked=0 unlocked=0"), r.output());
    }

    @Test
    void strictWithoutIpcLockUnderUlimit8MiBFailsNamingTheLimit() throws Exception {
        ChildJvm.Result r = runWithoutIpcLock("strict");
        if (r == null) {
            return;
        }
        assertEquals(3, r.exitCode(), r.output());
        assertTrue(r.output().contains("RLIMIT_MEMLOCK soft 8388608 bytes"), r.output());
        assertTrue(r.output().contains("strict"), r.output());
    }

    private ChildJvm.Result runWithoutIpcLock(String policy) throws Exception {
        List<String> java = ChildJvm.javaCommand(List.of("--enable-native-access=ALL-UNNAMED"),
                RegionProbe.class, "memlock", binding(), policy);
        List<String> cmd = ChildJvm.withoutIpcLock("ulimit -l 8192 && exec " + ChildJvm.shellQuote(java));
        Prerequisites.require(cmd != null, "memlock-limit test: neither setpriv (util-linux) nor capsh (libcap2-bin) is installed");
        ChildJvm.Result r = ChildJvm.run(new ArrayList<>(cmd));
        assertNotNull(r);
        System.out.println(binding() + " " + policy + " without CAP_IPC_LOCK: " + r.output().strip().replace('\n', '|'));
        return r;
    }
}
