package dev.tensorseal.cli;

import dev.tensorseal.internal.crypto.EngineSpec;
import dev.tensorseal.internal.crypto.GcmEngine;
import dev.tensorseal.internal.crypto.InsecureNonceAesGcm;
import dev.tensorseal.internal.crypto.SecretBytes;
import dev.tensorseal.nativebridge.GpuDevice;
import dev.tensorseal.nativebridge.GpuReport;
import dev.tensorseal.nativebridge.Gpus;
import dev.tensorseal.nativebridge.MemoryPolicy;
import dev.tensorseal.nativebridge.MemoryStatus;
import dev.tensorseal.nativebridge.NativeException;
import dev.tensorseal.nativebridge.SecureMemory;
import dev.tensorseal.nativebridge.SecureRegion;
import dev.tensorseal.nativebridge.Smaps;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code tensorseal doctor}: allocates scratch regions through the native bridge and checks them
 * from the kernel's side ({@code /proc/self/smaps}), then measures the crypto engine. One line per
 * check; exit 1 when any check failed.
 */
final class DoctorCommand implements Command {
    private static final long SCRATCH_BYTES = 64 * 1024;
    private static final int ENGINE_BUFFER_BYTES = 64 << 20;
    /** Below this soft limit (without CAP_IPC_LOCK) large views will run unlocked. */
    private static final long COMFORTABLE_MEMLOCK_BYTES = 64L << 20;

    private enum State { OK, DEGRADED, FAILED }

    private int ok;
    private int degraded;
    private int failed;

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "check which memory protections and engines work on this machine";
    }

    @Override
    public String usage() {
        return """
                usage: tensorseal doctor
                Checks hardened memory from the kernel's side (mlock, dontdump, wipeonfork, guard-pages,
                memfd_secret, memlock-limit), native access, the binding (-Dtensorseal.native=ffm|jna),
                the AES-256-GCM engines' speed on a 64 MiB buffer (jce; ossl where OpenSSL 3 loads; vaes where
                the CPU has VAES and VPCLMULQDQ on AVX-512: the store's default there), and the CUDA driver and NVML.
                Prints NAME: ok|degraded|failed - detail; exits 1 if any check failed.""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        args = Args.withoutQuiet(args);
        if (!args.isEmpty()) {
            throw new UsageException("doctor takes no arguments, got '" + args.get(0) + "'");
        }
        ok = 0;
        degraded = 0;
        failed = 0;
        SecureMemory memory = SecureMemory.create(SecureMemory.bindingFromSystemProperty(), MemoryPolicy.fromSystemProperty());
        MemoryStatus before = memory.status();
        // Without hardening, best-effort runs on plain memory (degraded); strict refuses (failed).
        State missing = memory.policy() == MemoryPolicy.STRICT ? State.FAILED : State.DEGRADED;
        if (memory.isAvailable()) {
            checkScratchRegion(memory, missing, out);
            checkSecret(memory, out);
        } else {
            for (String name : List.of("mlock", "dontdump", "wipeonfork", "guard-pages", "memfd_secret")) {
                line(out, name, name.equals("memfd_secret") ? State.DEGRADED : missing,
                        "no hardened memory: " + before.unavailableReason());
            }
        }
        checkMemlockLimit(before, out);
        line(out, "native-access", before.nativeAccess() ? State.OK : missing,
                before.nativeAccess() ? "enabled" : "not enabled: " + before.unavailableReason());
        line(out, "binding", memory.isAvailable() ? State.OK : missing, memory.isAvailable()
                ? memory.binding() + " (policy " + memory.policy().label() + ")"
                : memory.binding() + ": unavailable: " + before.unavailableReason());
        checkEngine(out);
        checkGpu(out);
        out.println("doctor: " + ok + " ok, " + degraded + " degraded, " + failed + " failed");
        return failed > 0 ? 1 : 0;
    }

    private void checkScratchRegion(SecureMemory memory, State missing, PrintStream out) throws IOException {
        try (SecureRegion region = memory.allocate(SCRATCH_BYTES)) {
            Optional<Smaps.Mapping> found = Smaps.containing(region.pagesAddress());
            if (found.isEmpty()) {
                for (String name : List.of("mlock", "dontdump", "wipeonfork", "guard-pages")) {
                    line(out, name, State.FAILED, "scratch region not found in /proc/self/smaps");
                }
                return;
            }
            Smaps.Mapping m = found.get();
            String where = " (" + Long.toHexString(m.start()) + "-" + Long.toHexString(m.end()) + ")";
            MemoryStatus st = memory.status();
            if (m.vmFlags().contains("lo")) {
                line(out, "mlock", State.OK, "VmFlags lo, Locked: " + m.lockedKb() + " kB" + where);
            } else {
                line(out, "mlock", missing, "VmFlags lack lo: " + reason(st, "mlock") + where);
            }
            line(out, "dontdump", m.vmFlags().contains("dd") ? State.OK : State.FAILED,
                    (m.vmFlags().contains("dd") ? "VmFlags dd" : "VmFlags lack dd: " + reason(st, "dontdump")) + where);
            if (m.vmFlags().contains("wf")) {
                line(out, "wipeonfork", State.OK, "VmFlags wf" + where);
            } else if (m.vmFlags().contains("dc")) {
                line(out, "wipeonfork", State.DEGRADED, "VmFlags dc (MADV_DONTFORK instead): " + reason(st, "wipeonfork"));
            } else {
                line(out, "wipeonfork", State.FAILED, "VmFlags lack wf and dc" + where);
            }
            Optional<Smaps.Mapping> below = Smaps.containing(region.pagesAddress() - 1);
            Optional<Smaps.Mapping> above = Smaps.containing(region.pagesAddress() + region.pagesBytes());
            boolean guarded = below.map(Smaps.Mapping::isNoAccess).orElse(false)
                    && above.map(Smaps.Mapping::isNoAccess).orElse(false);
            line(out, "guard-pages", guarded ? State.OK : State.FAILED, guarded
                    ? "---p pages at " + Long.toHexString(below.get().start()) + " and " + Long.toHexString(above.get().start())
                    : "neighbouring pages are accessible");
        } catch (NativeException e) {
            line(out, "mlock", missing, e.getMessage());
            for (String name : List.of("dontdump", "wipeonfork", "guard-pages")) {
                line(out, name, State.FAILED, "scratch region refused: " + e.getMessage());
            }
        }
    }

    private void checkSecret(SecureMemory memory, PrintStream out) throws IOException {
        if (!memory.memfdSecretAvailable()) {
            line(out, "memfd_secret", State.DEGRADED, memory.status().memfdSecretDetail()
                    + "; keys use locked pages instead");
            return;
        }
        try (SecureRegion key = memory.allocateSecret(32)) {
            Optional<Smaps.Mapping> m = Smaps.containing(key.pagesAddress());
            boolean secret = key.isSecret() && m.map(x -> x.path().startsWith("/secretmem")).orElse(false);
            line(out, "memfd_secret", secret ? State.OK : State.DEGRADED, secret
                    ? "key pages mapped from /secretmem (outside the kernel direct map)"
                    : "available, but the key region was not placed in it: " + String.join("; ", memory.status().degradations()));
        } catch (NativeException e) {
            line(out, "memfd_secret", State.DEGRADED, e.getMessage());
        }
    }

    private void checkMemlockLimit(MemoryStatus st, PrintStream out) {
        if (!st.available()) {
            line(out, "memlock-limit", State.DEGRADED, "unknown: " + st.unavailableReason());
            return;
        }
        String limits = "soft " + MemoryStatus.limit(st.memlockSoftBytes()) + ", hard " + MemoryStatus.limit(st.memlockHardBytes());
        if (st.ipcLockCapability()) {
            line(out, "memlock-limit", State.OK, limits + " (CAP_IPC_LOCK held: not enforced)");
        } else if (st.memlockSoftBytes() < 0 || st.memlockSoftBytes() >= COMFORTABLE_MEMLOCK_BYTES) {
            line(out, "memlock-limit", State.OK, limits);
        } else {
            line(out, "memlock-limit", State.DEGRADED, limits + "; views beyond it are "
                    + (st.policy() == MemoryPolicy.STRICT ? "refused (strict)" : "unlocked (best-effort)")
                    + "; raise with ulimit -l or systemd LimitMEMLOCK");
        }
    }

    private void checkEngine(PrintStream out) {
        try {
            GcmEngine jce = GcmEngine.named("jce");
            // The JIT compiles the JDK's AES-GCM intrinsic after enough calls, not bytes: a few large
            // calls stay interpreted (0.07 GB/s). The engine's own warm-up is what the store runs.
            double warmUpMs = jce.warmUp() / 1e6;
            line(out, "engine", State.OK, String.format(Locale.ROOT,
                    "jce AES-256-GCM seal %.2f GB/s, 64 MiB in 64 KiB chunks off-heap (best of 3; JIT warm-up %.0f ms)",
                    sealGbPerSecond(jce), warmUpMs));
        } catch (RuntimeException e) {
            line(out, "engine", State.FAILED, "jce AES-256-GCM: " + e.getMessage());
        }
        for (EngineSpec spec : GcmEngine.registry()) {
            if (spec.inPlace()) {
                nativeEngine(out, spec.name());
            }
        }
    }

    /** An engine that works on native memory in place: its measured speed, or degraded with why it cannot run. */
    private void nativeEngine(PrintStream out, String name) {
        GcmEngine engine;
        try {
            engine = GcmEngine.named(name);
        } catch (RuntimeException unavailable) {
            line(out, name, State.DEGRADED, "engine unavailable (" + unavailable.getMessage() + "); the store uses "
                    + GcmEngine.defaultName());
            return;
        }
        try {
            line(out, name, State.OK, String.format(Locale.ROOT,
                    "%s, AES-256-GCM seal %.2f GB/s on native memory, no heap copies (best of 3)%s",
                    engine.implementation(), sealGbPerSecond(engine),
                    name.equals(GcmEngine.defaultName()) ? "; the store's default engine" : ""));
        } catch (RuntimeException e) {
            line(out, name, State.FAILED, name + " AES-256-GCM: " + e.getMessage());
        }
    }

    /** Seals a 64 MiB off-heap buffer in 64 KiB chunks, as the store does; the best of three passes. */
    private static double sealGbPerSecond(GcmEngine engine) {
        try (Arena arena = Arena.ofConfined();
                SecretBytes key = SecretBytes.random(32, new SecureRandom());
                InsecureNonceAesGcm gcm = engine.newInstance(key, 16)) {
            MemorySegment plaintext = arena.allocate(ENGINE_BUFFER_BYTES, 64);
            MemorySegment sealed = arena.allocate(ENGINE_BUFFER_BYTES + 16L, 64);
            byte[] aad = new byte[0];
            byte[] iv = new byte[12];
            int chunk = 64 << 10;
            long bestNanos = Long.MAX_VALUE;
            int nonce = 0;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                for (long at = 0; at < ENGINE_BUFFER_BYTES; at += chunk) {
                    nonce++;
                    iv[8] = (byte) (nonce >>> 24);
                    iv[9] = (byte) (nonce >>> 16);
                    iv[10] = (byte) (nonce >>> 8);
                    iv[11] = (byte) nonce;
                    gcm.seal(iv, aad, plaintext.asSlice(at, chunk), sealed.asSlice(at, chunk + 16L));
                }
                bestNanos = Math.min(bestNanos, System.nanoTime() - t0);
            }
            return ENGINE_BUFFER_BYTES / (double) bestNanos;
        }
    }

    /** The native bridge's own GPU probe (the CUDA driver and NVML bindings): what a GpuSession would find. */
    private void checkGpu(PrintStream out) {
        GpuReport gpu = Gpus.probe();
        if (gpu.driver().isAvailable()) {
            line(out, "cuda", State.OK, "driver " + gpu.driverVersion() + ", " + gpu.devices().size() + " device(s): "
                    + gpu.devices().stream().map(GpuDevice::name).collect(Collectors.joining(", ")));
        } else {
            line(out, "cuda", State.DEGRADED, "not available here: " + gpu.driver().reason());
        }
        if (gpu.nvml().isAvailable()) {
            line(out, "nvml", State.OK, gpu.confidentialComputing()
                    .map(cc -> "confidential computing " + (cc.featureEnabled() ? "on" : "off") + ", environment "
                            + cc.environment() + ", ready for secrets: " + (cc.readyForSecrets() ? "yes" : "no"))
                    .orElse("loaded; no confidential-computing state reported"));
        } else {
            line(out, "nvml", State.DEGRADED, "not available here: " + gpu.nvml().reason());
        }
    }

    private static String reason(MemoryStatus st, String protection) {
        return st.degradations().stream().filter(d -> d.startsWith(protection + ": ")).findFirst()
                .map(d -> d.substring(protection.length() + 2)).orElse("no reason recorded");
    }

    private void line(PrintStream out, String name, State state, String detail) {
        switch (state) {
            case OK -> ok++;
            case DEGRADED -> degraded++;
            case FAILED -> failed++;
        }
        out.println(name + ": " + state.name().toLowerCase(Locale.ROOT) + " - " + detail);
    }
}
