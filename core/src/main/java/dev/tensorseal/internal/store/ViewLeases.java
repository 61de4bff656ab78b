package dev.tensorseal.internal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's open views: each holds a block of the plaintext budget, and a writable one its tensor's writer permit,
 * until it closes.
 */
final class ViewLeases {
    private final PlaintextPool pool;
    private final Set<ViewLease> open = ConcurrentHashMap.newKeySet();

    ViewLeases(PlaintextPool pool) {
        this.pool = pool;
    }

    /** Starts tracking {@code v} (already holding its decrypted block) until it is {@link #release}d. */
    <V extends ViewLease> V opened(V v) {
        open.add(v);
        return v;
    }

    /**
     * Zeroes and frees a view's plaintext, then forgets the view and, for a writable one, hands its tensor's writer
     * permit on. If the memory cannot be freed (a native call still holds it), throws {@link IllegalStateException}
     * and changes nothing else: the view stays open and can be closed again.
     */
    void release(ViewLease v) {
        if (!open.contains(v)) {
            return;
        }
        pool.give(v.block);
        if (open.remove(v) && v instanceof WriteLease w) {
            w.state.releaseWriter();
        }
    }

    int count() {
        return open.size();
    }

    /** Names of the tensors with open views (a name appears once per view), sorted. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (ViewLease v : open) {
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
        List<String> stuck = new ArrayList<>();
        for (ViewLease v : List.copyOf(open)) {
            try {
                v.closeNow();
            } catch (RuntimeException ex) {
                stuck.add(v.info.name()); // a native call still holds its memory; keys are zeroed regardless
            }
        }
        if (!stuck.isEmpty()) {
            leaked = new ArrayList<>(leaked);
            leaked.add("(still in use by native code, zeroed but not freed: " + stuck + ")");
        }
        return new IllegalStateException("store closed with " + leaked.size() + " open view(s) of " + leaked
                + "; they were zeroed and invalidated");
    }
}
