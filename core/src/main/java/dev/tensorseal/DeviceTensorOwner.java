package dev.tensorseal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@link GpuSession} handed out and has not had back. At close, every device tensor still open is zeroed and
 * freed while the context is still alive, then the context is released, and the leak is reported by name, so the
 * caller's order of closing cannot leave plaintext on the device. Not thread-safe, like the session.
 */
final class DeviceTensorOwner {
    private final Set<DeviceTensor> open = new LinkedHashSet<>();
    private boolean closed;

    void add(DeviceTensor t) {
        checkOpen();
        open.add(t);
    }

    void removed(DeviceTensor t) {
        open.remove(t);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the GPU session is closed");
        }
    }

    /** Names of the device tensors still open, in the order they were made. */
    List<String> openNames() {
        List<String> names = new ArrayList<>();
        open.forEach(t -> names.add(t.info().name()));
        return names;
    }

    /**
     * Zeroes and frees every open tensor, then runs {@code releaseContext} (even if a tensor failed), then throws
     * {@link IllegalStateException} naming the tensors that were left open, if any. Idempotent.
     */
    void close(Runnable releaseContext) {
        if (closed) {
            return;
        }
        closed = true;
        List<String> leaked = openNames();
        RuntimeException failure = null;
        try {
            for (DeviceTensor t : new ArrayList<>(open)) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = new IllegalStateException("zeroing device tensor '" + t.info().name()
                                + "' at session close failed: " + e.getMessage(), e);
                    }
                }
            }
        } finally {
            releaseContext.run();
        }
        if (failure != null) {
            throw failure;
        }
        if (!leaked.isEmpty()) {
            throw new IllegalStateException("GPU session closed with " + leaked.size() + " open device tensor(s) "
                    + leaked + "; they were zeroed and freed first");
        }
    }
}
