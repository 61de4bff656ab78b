package dev.tensorseal;

import java.util.Locale;

/**
 * Element types, named as safetensors names them. Every type here has a whole number of bytes per
 * element. Sub-byte types ({@code F4}, {@code F6_E2M3}, {@code F6_E3M2}) are not representable as
 * byte-addressed tensors of their own and are rejected by {@link #of(String)} with a clear message.
 */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2),
    F8_E4M3(1), F8_E5M2(1), F8_E8M0(1), F8_E4M3FNUZ(1), F8_E5M2FNUZ(1),
    I64(8), I32(4), I16(2), I8(1),
    U64(8), U32(4), U16(2), U8(1),
    BOOL(1),
    C64(8);

    private final int elementSizeBytes;

    DType(int elementSizeBytes) {
        this.elementSizeBytes = elementSizeBytes;
    }

    /** Bytes per element. */
    public int elementSizeBytes() {
        return elementSizeBytes;
    }

    /**
     * The dtype safetensors calls {@code name} (case-insensitive).
     *
     * @throws UnsupportedParameterException for sub-byte types and unknown names
     */
    public static DType of(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.equals("F4") || n.startsWith("F6_") || n.equals("I4") || n.equals("U4")) {
            throw new UnsupportedParameterException("dtype " + name + " packs less than one byte per element;"
                    + " tensorseal stores byte-addressed tensors only: store it as U8 with the packed shape");
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedParameterException("unknown dtype '" + name + "': expected one of " + java.util.Arrays.toString(values()));
        }
    }
}
