package dev.tensorseal.internal.safetensors;

import java.util.Arrays;
import java.util.Map;

/**
 * One tensor in a safetensors header: its dtype name as the file spells it ({@code F32}, {@code BF16}...),
 * its shape, and its byte range relative to the start of the data buffer.
 */
public record SafetensorsEntry(String name, String dtype, long[] shape, long beginBytes, long endBytes) {
    /** Element sizes of the dtypes safetensors defines with whole-byte elements. */
    static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1),
            Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("F8_E8M0", 1),
            Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2),
            Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8),
            Map.entry("C64", 8));

    public SafetensorsEntry {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long lengthBytes() {
        return endBytes - beginBytes;
    }

    /** Bytes per element of {@code dtype}, or -1 when safetensors has no such whole-byte dtype. */
    public static int elementBytes(String dtype) {
        return ELEMENT_BYTES.getOrDefault(dtype, -1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsEntry e && name.equals(e.name) && dtype.equals(e.dtype)
                && Arrays.equals(shape, e.shape) && beginBytes == e.beginBytes && endBytes == e.endBytes;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " [" + beginBytes + ", " + endBytes + ")";
    }
}
