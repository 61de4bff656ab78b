package dev.tensorseal.security;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scans another process's readable memory (/proc/PID/maps + /proc/PID/mem) or a file for 32-byte patterns,
 * counting non-overlapping hits per pattern and per region class. Linux only; needs ptrace access to the
 * target (a child of this JVM qualifies under Yama scope 0 and 1).
 */
final class ProcessMemoryScan {
    static final int PATTERN_BYTES = 32;
    private static final int BLOCK_BYTES = 4 << 20;

    /** One line of /proc/PID/maps. */
    record Region(long start, long end, String perms, String path) {
        long bytes() {
            return end - start;
        }

        boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }

        boolean overlaps(long from, long to) {
            return Long.compareUnsigned(start, to) < 0 && Long.compareUnsigned(from, end) < 0;
        }
    }

    /** Where a hit was: names the region classes reported in SECURITY.md. */
    interface Classifier {
        String classOf(Region r);
    }

    /** Hits per pattern name, per region class; plus bytes scanned and bytes that could not be read. */
    static final class Result {
        final Map<String, Map<String, Long>> hits = new LinkedHashMap<>();
        long scannedBytes;
        long unreadableBytes;
        final List<String> unreadable = new ArrayList<>();

        void add(String pattern, String where, long n) {
            hits.computeIfAbsent(pattern, p -> new LinkedHashMap<>()).merge(where, n, Long::sum);
        }

        long count(String pattern, String where) {
            return hits.getOrDefault(pattern, Map.of()).getOrDefault(where, 0L);
        }

        long total(String pattern) {
            return hits.getOrDefault(pattern, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }

        long totalExcept(String pattern, String... wheres) {
            long n = total(pattern);
            for (String w : wheres) {
                n -= count(pattern, w);
            }
            return n;
        }
    }

    private final Map<String, byte[]> patterns;
    private final boolean[] firstByte = new boolean[256];

    ProcessMemoryScan(Map<String, byte[]> patterns) {
        this.patterns = patterns;
        for (byte[] p : patterns.values()) {
            if (p.length != PATTERN_BYTES) {
                throw new IllegalArgumentException("patterns are " + PATTERN_BYTES + " bytes");
            }
            firstByte[p[0] & 0xff] = true;
        }
    }

    static List<Region> maps(long pid) throws IOException {
        List<Region> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] f = line.trim().split("\\s+", 6);
            String[] range = f[0].split("-");
            out.add(new Region(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16), f[1],
                    f.length > 5 ? f[5] : ""));
        }
        return out;
    }

    /** Scans every readable region of {@code pid}; a region that reads fail on (memfd_secret, I/O) is counted as unreadable. */
    Result scanProcess(long pid, Classifier classifier) throws IOException {
        Result result = new Result();
        byte[] block = new byte[BLOCK_BYTES + PATTERN_BYTES];
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + pid + "/mem", "r")) {
            for (Region r : maps(pid)) {
                if (r.perms().charAt(0) != 'r' || r.start() < 0 || r.path().equals("[vvar]") || r.path().equals("[vvar_vclock]")) {
                    continue;
                }
                String where = classifier.classOf(r);
                for (long at = r.start(); at < r.end(); at += BLOCK_BYTES) {
                    int n = (int) Math.min(BLOCK_BYTES + PATTERN_BYTES - 1, r.end() - at);
                    try {
                        mem.seek(at);
                        mem.readFully(block, 0, n);
                    } catch (IOException e) {
                        result.unreadableBytes += Math.min(BLOCK_BYTES, r.end() - at);
                        result.unreadable.add(where + " " + r.path());
                        continue;
                    }
                    // Count only hits that start inside this block; the overlap catches patterns across blocks.
                    scan(block, n, Math.min(BLOCK_BYTES, n), where, result);
                    result.scannedBytes += Math.min(BLOCK_BYTES, n);
                }
            }
        }
        return result;
    }

    /** Scans a file (a heap dump): every hit is counted under {@code where}. */
    Result scanFile(Path file, String where) throws IOException {
        Result result = new Result();
        byte[] block = new byte[BLOCK_BYTES + PATTERN_BYTES];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            for (long at = 0; at < size; at += BLOCK_BYTES) {
                int n = (int) Math.min(BLOCK_BYTES + PATTERN_BYTES - 1, size - at);
                f.seek(at);
                f.readFully(block, 0, n);
                scan(block, n, Math.min(BLOCK_BYTES, n), where, result);
                result.scannedBytes += Math.min(BLOCK_BYTES, n);
            }
        }
        return result;
    }

    private void scan(byte[] b, int length, int startsBefore, String where, Result result) {
        int last = Math.min(startsBefore, length - PATTERN_BYTES + 1);
        for (int i = 0; i < last; i++) {
            if (!firstByte[b[i] & 0xff]) {
                continue;
            }
            for (Map.Entry<String, byte[]> e : patterns.entrySet()) {
                if (java.util.Arrays.equals(b, i, i + PATTERN_BYTES, e.getValue(), 0, PATTERN_BYTES)) {
                    result.add(e.getKey(), where, 1);
                    i += PATTERN_BYTES - 1;
                    break;
                }
            }
        }
    }
}
