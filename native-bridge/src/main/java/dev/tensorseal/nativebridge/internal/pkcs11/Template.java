package dev.tensorseal.nativebridge.internal.pkcs11;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@code CK_ATTRIBUTE} array ({@code {CK_ULONG type; void *pValue; CK_ULONG ulValueLen}}, 24 bytes each) in an arena. */
final class Template {
    static final long ATTRIBUTE_BYTES = 24;
    private final Arena arena;
    private final List<long[]> types = new ArrayList<>();
    private final List<MemorySegment> values = new ArrayList<>();

    Template(Arena arena) {
        this.arena = arena;
    }

    Template bool(long type, boolean v) {
        return segment(type, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, (byte) (v ? 1 : 0)));
    }

    Template ulong(long type, long v) {
        return segment(type, arena.allocateFrom(JAVA_LONG, v));
    }

    Template utf8(long type, String v) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        MemorySegment s = arena.allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return segment(type, s.asSlice(0, b.length));
    }

    Template segment(long type, MemorySegment value) {
        types.add(new long[] {type});
        values.add(value);
        return this;
    }

    long count() {
        return types.size();
    }

    MemorySegment build() {
        MemorySegment a = arena.allocate(ATTRIBUTE_BYTES * Math.max(1, types.size()), 8);
        for (int i = 0; i < types.size(); i++) {
            long at = ATTRIBUTE_BYTES * i;
            a.set(JAVA_LONG, at, types.get(i)[0]);
            a.set(ADDRESS, at + 8, values.get(i));
            a.set(JAVA_LONG, at + 16, values.get(i).byteSize());
        }
        return a;
    }
}
