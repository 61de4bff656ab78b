package dev.tensorseal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DTypeTest {
    @Test
    void safetensorsNamesMapToElementSizes() {
        assertEquals(DType.F64, DType.of("f64"));
        assertEquals(2, DType.of("BF16").elementSizeBytes());
        assertEquals(1, DType.of("F8_E4M3").elementSizeBytes());
        assertEquals(1, DType.of("BOOL").elementSizeBytes());
        assertEquals(8, DType.of("C64").elementSizeBytes());
    }

    @Test
    void subByteTypesAreRejectedWithTheWorkaround() {
        for (String n : new String[] {"F4", "F6_E2M3", "F6_E3M2"}) {
            var e = assertThrows(UnsupportedParameterException.class, () -> DType.of(n));
            assertTrue(e.getMessage().contains("less than one byte"), e.getMessage());
        }
        assertThrows(UnsupportedParameterException.class, () -> DType.of("F12"));
    }

    @Test
    void shapesAreCopiedAndSizesChecked() {
        long[] shape = {2, 3};
        TensorInfo t = TensorInfo.of("a", DType.F16, shape);
        shape[0] = 9;
        assertEquals(12, t.byteSize());
        t.shape()[1] = 7;
        assertEquals(3, t.shape()[1]);
        assertEquals(2, TensorInfo.of("s", DType.BF16).byteSize(), "a scalar is one element");
        assertEquals(0, TensorInfo.of("z", DType.F32, 5, 0).byteSize());
        assertThrows(IllegalArgumentException.class, () -> TensorInfo.of("n", DType.F32, -1));
        assertThrows(CapacityException.class, () -> TensorInfo.of("big", DType.F64, 1L << 40, 1L << 30));
    }
}
