package dev.tensorseal.internal.store;

import dev.tensorseal.internal.memory.CiphertextPool;
import dev.tensorseal.internal.memory.PlaintextMemory;
import dev.tensorseal.internal.memory.PlaintextPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's open views: each holds a block of the plaintext budget, and a writable one its tensor's writer permit,
 * until it closes. When {@value #TRACK_PROPERTY} is {@code true} (read when a store is created), each view also
 * records the stack it was opened from, and a store closed with views still open names where each was opened
 * (Arrow's allocator debug log, for the same reason: a leak is found where it was made, not where it was noticed).
 * Off by default: capturing a stack costs more than opening a small view.
 */
final class ViewLeases {
    /** The system property that turns on recording where each view was opened. */
    static final String TRACK_PROPERTY = "tensorseal.trackViews";

    private final PlaintextPool pool;
    private final boolean track;
    /** Each open view, with where it was opened (a {@link ViewOrigin}) when tracking, else itself as a placeholder. */
    private final Map<ViewLease, Object> open = new ConcurrentHashMap<>();

    ViewLeases(PlaintextPool pool) {
        this.pool = pool;
        this.track = Boolean.getBoolean(TRACK_PROPERTY);
    }

    /** Starts tracking {@code v} (already holding its decrypted block) until it is {@link #release}d. */
    <V extends ViewLease> V opened(V v) {
        open.put(v, track ? new ViewOrigin(v.info.name()) : v);
        return v;
    }

    /**
     * Zeroes and frees a view's plaintext, then forgets the view and, for a writable one, hands its tensor's writer
     * permit on. If the memory cannot be freed (a native call still holds it), throws {@link IllegalStateException}
     * and changes nothing else: the view stays open and can be closed again.
     */
    void release(ViewLease v) {
        if (!open.containsKey(v)) {
            return;
        }
        pool.give(v.block);
        if (open.remove(v) != null && v instanceof WriteLease w) {
            w.state.releaseWriter();
        }
    }

    int count() {
        return open.size();
    }

    /** Names of the tensors with open views (a name appears once per view), sorted. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (ViewLease v : open.keySet()) {
            names.add(v.info.name());
        }
        names.sort(null);
        return names;
    }

    /**
     * Force-closes every open view (the store is closing: no commit can be running, it would hold the lock the
     * caller holds) and returns what to report, or null when none was open.
     */
    IllegalStateException closeAll() {
        List<String> leaked = names();
        if (leaked.isEmpty()) {
            return null;
        }
        List<ViewOrigin> origins = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        for (Map.Entry<ViewLease, Object> e : List.copyOf(open.entrySet())) {
            if (e.getValue() instanceof ViewOrigin o) {
                origins.add(o);
            }
            try {
                e.getKey().closeNow();
            } catch (RuntimeException ex) {
                stuck.add(e.getKey().info.name()); // a native call still holds its memory; keys are zeroed regardless
            }
        }
        if (!stuck.isEmpty()) {
            leaked = new ArrayList<>(leaked);
            leaked.add("(still in use by native code, zeroed but not freed: " + stuck + ")");
        }
        IllegalStateException report = new IllegalStateException("store closed with " + leaked.size() + " open view(s) of "
                + leaked + "; they were zeroed and invalidated" + whereOpened(origins));
        origins.forEach(report::addSuppressed);
        return report;
    }

    private String whereOpened(List<ViewOrigin> origins) {
        if (!track) {
            return " (run with -D" + TRACK_PROPERTY + "=true to record where each view is opened)";
        }
        List<String> places = new ArrayList<>();
        for (ViewOrigin o : origins) {
            places.add(o.tensor + " at " + o.caller());
        }
        places.sort(null);
        return "; opened at " + places + " (full stacks attached as suppressed exceptions)";
    }

    /** Where a view was opened: the stack of the thread that opened it, at that moment. Holds no plaintext. */
    static final class ViewOrigin extends Throwable {
        private static final long serialVersionUID = 1L;
        /** The public classes a view is opened through; the frame after them is the caller's. */
        private static final java.util.Set<String> FACADES = java.util.Set.of("dev.tensorseal.TensorStore",
                "dev.tensorseal.TensorView", "dev.tensorseal.WritableView", "dev.tensorseal.SealedFile",
                "dev.tensorseal.GpuSession", "dev.tensorseal.DeviceTensor");
        private final String tensor;

        ViewOrigin(String tensor) {
            super("view of tensor '" + tensor + "' opened here");
            this.tensor = tensor;
        }

        /** The first frame outside tensorseal's internals and its public facade classes: who opened the view. */
        String caller() {
            StackTraceElement[] frames = getStackTrace();
            for (StackTraceElement f : frames) {
                String c = f.getClassName();
                int nested = c.indexOf('$');
                if (!c.startsWith("dev.tensorseal.internal.") && !FACADES.contains(nested < 0 ? c : c.substring(0, nested))) {
                    return f.toString();
                }
            }
            return frames.length == 0 ? "(no stack)" : frames[frames.length - 1].toString();
        }
    }
}
