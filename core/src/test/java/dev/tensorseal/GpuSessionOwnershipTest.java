package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorseal.nativebridge.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session's ownership of its device tensors, without a driver: device memory is a recording fake, the context
 * release a recorded step. Whatever order the caller closes things in, every tensor is zeroed and freed before the
 * context goes, and a session closed first names what was left open.
 */
class GpuSessionOwnershipTest {
    private final List<String> events = new ArrayList<>();

    private GpuSession session() {
        return new GpuSession(null, () -> events.add("context released"));
    }

    private DeviceTensor tensor(GpuSession s, String name) {
        return s.adopt(TensorInfo.of(name, DType.F32, 4), new FakeMemory(name));
    }

    @Test
    void closingTheSessionFirstZeroesAndFreesEveryOpenTensorBeforeTheContextAndNamesThem() {
        GpuSession s = session();
        DeviceTensor a = tensor(s, "a");
        DeviceTensor b = tensor(s, "b");
        DeviceTensor c = tensor(s, "c");
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, s::close);
        assertEquals("GPU session closed with 2 open device tensor(s) [a, c]; they were zeroed and freed first", e.getMessage());
        assertEquals(List.of("zeroed and freed b", "zeroed and freed a", "zeroed and freed c", "context released"), events);
        assertTrue(a.isClosed() && c.isClosed());
        a.close(); // the caller's late close: a no-op, nothing freed twice
        assertThrows(IllegalStateException.class, a::devicePointer);
        s.close(); // idempotent, and reports once
        assertEquals(4, events.size());
    }

    @Test
    void closingTensorsFirstLeavesNothingToReport() {
        GpuSession s = session();
        try (DeviceTensor a = tensor(s, "a"); DeviceTensor b = tensor(s, "b")) {
            assertEquals(2, List.of(a, b).size());
        }
        s.close();
        assertEquals(List.of("zeroed and freed b", "zeroed and freed a", "context released"), events);
    }

    @Test
    void aTensorWhoseZeroingFailsStaysOpenAndTheContextIsStillReleased() {
        GpuSession s = session();
        FakeMemory stuck = new FakeMemory("s");
        stuck.failures = 1;
        DeviceTensor t = s.adopt(TensorInfo.of("s", DType.U8, 1), stuck);
        assertThrows(IllegalStateException.class, t::close);
        assertTrue(!t.isClosed(), "not freed, so not forgotten");
        IllegalStateException e = assertThrows(IllegalStateException.class, s::close);
        assertEquals("GPU session closed with 1 open device tensor(s) [s]; they were zeroed and freed first", e.getMessage());
        assertEquals(List.of("zeroed and freed s", "context released"), events, "the session's close retried it");
    }

    @Test
    void aClosedSessionHandsOutNothing() {
        GpuSession s = session();
        s.close();
        assertThrows(IllegalStateException.class, () -> tensor(s, "late"));
        assertThrows(IllegalStateException.class, () -> s.allocate("x", DType.U8, 1));
    }

    private final class FakeMemory implements DeviceMemory {
        final String name;
        int failures;

        FakeMemory(String name) {
            this.name = name;
        }

        @Override
        public long address() {
            return 0x1000;
        }

        @Override
        public DeviceBuffer buffer() {
            return null;
        }

        @Override
        public void zeroAndFree() {
            if (failures > 0) {
                failures--;
                throw new IllegalStateException("cuMemsetD8 failed (injected)");
            }
            events.add("zeroed and freed " + name);
        }
    }
}
