package dev.tensorseal.security;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts 32-byte patterns in an ELF64 core file's memory segments, placed by virtual address: in the Java heap or not. */
final class CoreFile {
    private static final int PATTERN_BYTES = CoreDumpProbe.PATTERN_BYTES;
    private static final int BLOCK_BYTES = 4 << 20;
    static final String HEAP = CoreDumpProbe.HEAP;
    static final String ELSEWHERE = CoreDumpProbe.ELSEWHERE;

    private CoreFile() {}

    /** Counts non-overlapping hits of each pattern in the core's memory segments, placed by their virtual address. */
    static Map<String, Map<String, Long>> count(Path core, long[] heap, Map<String, byte[]> patterns) throws IOException {
        Map<String, Map<String, Long>> hits = new LinkedHashMap<>();
        boolean[] first = new boolean[256];
        for (byte[] p : patterns.values()) {
            first[p[0] & 0xff] = true;
        }
        byte[] b = new byte[BLOCK_BYTES + PATTERN_BYTES - 1];
        try (RandomAccessFile f = new RandomAccessFile(core.toFile(), "r")) {
            for (long[] seg : loadSegments(f)) { // {file offset, virtual address, bytes}
                for (long at = 0; at < seg[2]; at += BLOCK_BYTES) {
                    int n = (int) Math.min(b.length, seg[2] - at);
                    f.seek(seg[0] + at);
                    f.readFully(b, 0, n);
                    // Only hits that start in this block; the overlap catches a pattern across two blocks.
                    int last = Math.min(BLOCK_BYTES, n - PATTERN_BYTES + 1);
                    for (int i = 0; i < last; i++) {
                        if (!first[b[i] & 0xff]) {
                            continue;
                        }
                        for (Map.Entry<String, byte[]> e : patterns.entrySet()) {
                            if (java.util.Arrays.equals(b, i, i + PATTERN_BYTES, e.getValue(), 0, PATTERN_BYTES)) {
                                long address = seg[1] + at + i;
                                String where = Long.compareUnsigned(address, heap[0]) >= 0
                                        && Long.compareUnsigned(address, heap[1]) < 0 ? HEAP : ELSEWHERE;
                                hits.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).merge(where, 1L, Long::sum);
                                i += PATTERN_BYTES - 1;
                                break;
                            }
                        }
                    }
                }
            }
        }
        return hits;
    }

    /** The PT_LOAD program headers of an ELF64 little-endian core that have bytes in the file. */
    private static List<long[]> loadSegments(RandomAccessFile f) throws IOException {
        byte[] eh = new byte[64];
        f.seek(0);
        f.readFully(eh);
        if (eh[0] != 0x7f || eh[1] != 'E' || eh[2] != 'L' || eh[3] != 'F' || eh[4] != 2 || eh[5] != 1) {
            throw new IllegalStateException("not an ELF64 little-endian core file");
        }
        ByteBuffer h = ByteBuffer.wrap(eh).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = h.getLong(0x20);
        int phentsize = Short.toUnsignedInt(h.getShort(0x36));
        int phnum = Short.toUnsignedInt(h.getShort(0x38));
        List<long[]> out = new ArrayList<>();
        byte[] ph = new byte[phentsize];
        for (int i = 0; i < phnum; i++) {
            f.seek(phoff + (long) i * phentsize);
            f.readFully(ph);
            ByteBuffer p = ByteBuffer.wrap(ph).order(ByteOrder.LITTLE_ENDIAN);
            if (p.getInt(0) == 1 && p.getLong(32) > 0) { // PT_LOAD, p_filesz
                out.add(new long[] {p.getLong(8), p.getLong(16), p.getLong(32)});
            }
        }
        return out;
    }
}
