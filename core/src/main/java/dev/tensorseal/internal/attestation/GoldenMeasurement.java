package dev.tensorseal.internal.attestation;

import java.util.HexFormat;
import java.util.List;

/** One measurement of a RIM: its 0-based index, whether it is active, its size and the accepted digests. */
record GoldenMeasurement(int index, boolean active, int sizeBytes, List<byte[]> alternatives) {
    GoldenMeasurement {
        alternatives = List.copyOf(alternatives);
    }

    /** True when {@code value} has this measurement's size and equals one alternative. */
    boolean accepts(byte[] value) {
        return value.length == sizeBytes && alternatives.stream().anyMatch(a -> Nonces.same(a, value));
    }

    String describe() {
        return alternatives.stream().map(HexFormat.of()::formatHex).toList().toString();
    }
}
