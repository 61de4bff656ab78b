package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Arrow's habit: with {@code -Dtensorseal.trackViews=true} each view records where it was opened, and a store closed
 * with views still open says where each leaked one came from; without it, the report says how to turn that on.
 */
class ViewLeakRecordTest {
    private static final String TRACK = "tensorseal.trackViews";

    @AfterEach
    void stopTracking() {
        System.clearProperty(TRACK);
    }

    /** Opens a view and never closes it: the frame the leak record must point at. */
    private static TensorView leakAView(TensorStore store) {
        return store.read("w", 0, 16);
    }

    private static TensorStore storeWithOneTensor(KeySource key) {
        TensorStore store = StoreFixtures.builder("jce", key).build();
        store.put("w", new float[4096], 4096);
        store.put("v", new float[16], 16);
        return store;
    }

    @Test
    void withTrackingTheCloseReportNamesWhereEachLeakedViewWasOpened() {
        System.setProperty(TRACK, "true");
        try (KeySource key = StoreFixtures.key(91)) {
            TensorStore store = storeWithOneTensor(key);
            TensorView leaked = leakAView(store);
            store.read("v").close(); // closed in time: not part of the report
            WritableView leakedWriter = store.write("v");
            IllegalStateException e = assertThrows(IllegalStateException.class, store::close);
            String m = e.getMessage();
            assertTrue(m.contains("2 open view(s) of [v, w]"), m);
            assertTrue(m.contains("w at dev.tensorseal.ViewLeakRecordTest.leakAView(ViewLeakRecordTest.java:"), m);
            assertTrue(m.contains("v at dev.tensorseal.ViewLeakRecordTest.withTrackingTheCloseReportNamesWhereEach"), m);
            assertEquals(2, e.getSuppressed().length, "one recorded origin per leaked view");
            Throwable w = Arrays.stream(e.getSuppressed()).filter(t -> t.getMessage().contains("'w'")).findFirst().orElseThrow();
            assertTrue(Arrays.stream(w.getStackTrace()).anyMatch(f -> f.getMethodName().equals("leakAView")),
                    "the full stack of the open is attached");
            assertTrue(leaked.isClosed() && leakedWriter.isClosed(), "leaked views are still force-closed");
        }
    }

    @Test
    void withoutTrackingTheReportSaysHowToTurnItOnAndRecordsNothing() {
        try (KeySource key = StoreFixtures.key(92)) {
            TensorStore store = storeWithOneTensor(key);
            TensorView leaked = leakAView(store);
            IllegalStateException e = assertThrows(IllegalStateException.class, store::close);
            assertTrue(e.getMessage().contains("1 open view(s) of [w]"), e.getMessage());
            assertTrue(e.getMessage().contains("-D" + TRACK + "=true"), e.getMessage());
            assertFalse(e.getMessage().contains("leakAView"), e.getMessage());
            assertEquals(0, e.getSuppressed().length);
            assertTrue(leaked.isClosed());
        }
    }

    @Test
    void aStoreClosedWithNoViewOpenReportsNothingEvenWhenTracking() {
        System.setProperty(TRACK, "true");
        try (KeySource key = StoreFixtures.key(93)) {
            TensorStore store = storeWithOneTensor(key);
            leakAView(store).close();
            store.close(); // throws if anything were reported
            assertThrows(IllegalStateException.class, () -> store.read("w"));
        }
    }
}
