package dev.tensorseal.nativebridge;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The protections one {@link SecureMemory} gave up, and what the {@link MemoryPolicy} makes of each: strict throws,
 * best-effort remembers the first reason per protection and warns once per instance.
 */
final class Degradations {
    private static final System.Logger LOG = System.getLogger(SecureMemory.class.getName());
    private static final int MAX_DEGRADATIONS = 16;

    private final MemoryPolicy policy;
    private final Map<String, String> degraded = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();

    Degradations(MemoryPolicy policy) {
        this.policy = policy;
    }

    /** Strict: throw. Best-effort: remember, warn once. */
    void degrade(String protection, String reason, NativeException cause) {
        if (policy == MemoryPolicy.STRICT) {
            throw new NativeException(protection + " refused under the strict memory policy: " + reason, cause);
        }
        quietly(protection, reason);
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "tensorseal hardened memory degraded (best-effort): {0}: {1}"
                    + " (further degradations are counted in SecureMemory.status(); run tensorseal doctor)",
                    protection, reason);
        }
    }

    /** Remembers without a warning, whatever the policy: a fallback that keeps the protection's intent. */
    void quietly(String protection, String reason) {
        if (degraded.size() < MAX_DEGRADATIONS) {
            degraded.putIfAbsent(protection, reason);
        }
    }

    boolean contains(String protection) {
        return degraded.containsKey(protection);
    }

    /** "protection: reason", sorted. */
    List<String> lines() {
        return degraded.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).sorted().toList();
    }
}
