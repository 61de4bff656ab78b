package dev.tensorseal;

import java.util.List;
import java.util.Objects;

/**
 * How a store protects its plaintext, in one value: which AES-GCM engine, whether view plaintext sits in hardened
 * memory (guard pages, excluded from core dumps and forks) or plain off-heap memory, whether every view region so far
 * was locked out of swap, and why anything short of that is so. {@link TensorStore#protection()} gives it.
 *
 * @param engine         the AES-GCM engine: {@code vaes}, {@code ossl}, {@code jce} or {@code bc}
 * @param engineOffHeap  whether the engine works on off-heap memory in place ({@code vaes}, {@code ossl}); the others
 *                       stage each chunk through a Java heap buffer, zeroed after each chunk
 * @param hardenedMemory whether view plaintext comes from the native bridge's hardened pages
 * @param locked         whether every hardened region so far was locked ({@code mlock}); false for plain memory
 * @param reasons        one line for each protection short of the best, saying why; empty when none is
 */
public record Protection(String engine, boolean engineOffHeap, boolean hardenedMemory, boolean locked, List<String> reasons) {
    public Protection {
        Objects.requireNonNull(engine, "engine");
        reasons = List.copyOf(reasons);
    }

    /** True when nothing is short of the best: off-heap engine, hardened and locked memory. */
    public boolean full() {
        return reasons.isEmpty();
    }

    /** One line for logs: the engine, the memory, and the reasons if any. */
    public String summary() {
        return "engine " + engine + (engineOffHeap ? " (off-heap, in place)" : " (stages chunks through the Java heap)")
                + ", " + (hardenedMemory ? "hardened" : "plain off-heap") + " memory, " + (locked ? "locked" : "not locked")
                + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons));
    }
}
