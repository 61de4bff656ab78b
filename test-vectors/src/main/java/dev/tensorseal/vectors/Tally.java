package dev.tensorseal.vectors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts of passed, failed and skipped cases, with the first failures kept for the report and the
 * distinct skip reasons counted (so tens of thousands of cases cost a few counters, not a list).
 */
public final class Tally {
    /** How many failures are kept with their ids; the rest are only counted. */
    public static final int KEPT_FAILURES = 25;

    private long passed;
    private long failed;
    private long skipped;
    private final List<Outcome> failures = new ArrayList<>();
    private final SortedMap<String, Long> skipReasons = new TreeMap<>();

    public void add(Outcome o) {
        switch (o.status()) {
            case PASSED -> passed++;
            case FAILED -> {
                failed++;
                if (failures.size() < KEPT_FAILURES) {
                    failures.add(o);
                }
            }
            case SKIPPED -> {
                skipped++;
                skipReasons.merge(o.detail(), 1L, Long::sum);
            }
        }
    }

    public void addAll(Tally other) {
        passed += other.passed;
        failed += other.failed;
        skipped += other.skipped;
        for (Outcome o : other.failures) {
            if (failures.size() < KEPT_FAILURES) {
                failures.add(o);
            }
        }
        other.skipReasons.forEach((k, v) -> skipReasons.merge(k, v, Long::sum));
    }

    public long passed() {
        return passed;
    }

    public long failed() {
        return failed;
    }

    public long skipped() {
        return skipped;
    }

    public long total() {
        return passed + failed + skipped;
    }

    /** The first {@value #KEPT_FAILURES} failures. */
    public List<Outcome> failures() {
        return Collections.unmodifiableList(failures);
    }

    /** Each distinct skip reason with its count. */
    public SortedMap<String, Long> skipReasons() {
        return Collections.unmodifiableSortedMap(skipReasons);
    }

    /** {@code N passed, M failed, K skipped}. */
    public String counts() {
        return passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }

    /** The counts, then each kept failure and each skip reason on its own line. */
    public String report() {
        StringBuilder sb = new StringBuilder(counts());
        for (Outcome f : failures) {
            sb.append("\n  FAILED ").append(f.id()).append(": ").append(f.detail());
        }
        if (failed > failures.size()) {
            sb.append("\n  ... and ").append(failed - failures.size()).append(" more failures");
        }
        skipReasons.forEach((reason, n) -> sb.append("\n  skipped ").append(n).append(": ").append(reason));
        return sb.toString();
    }
}
