package dev.tensorseal.internal.store;

/** The chunks {@code first..last} (exclusive) covering a byte range of a tensor, and the bytes they span. */
record Span(int first, int last, long start, long end) {
    static Span of(TensorMeta meta, long offsetBytes, long lengthBytes) {
        long size = meta.info().byteSize();
        if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > size - lengthBytes) {
            throw new IndexOutOfBoundsException("tensor '" + meta.name() + "' is " + size + " bytes; cannot view "
                    + lengthBytes + " bytes at offset " + offsetBytes);
        }
        if (lengthBytes == 0) {
            return new Span(0, 0, offsetBytes, offsetBytes);
        }
        int cs = meta.chunkSizeBytes();
        int first = (int) (offsetBytes / cs);
        int last = (int) ((offsetBytes + lengthBytes - 1) / cs) + 1;
        long start = (long) first * cs;
        return new Span(first, last, start, Math.min((long) last * cs, size));
    }

    long bytes() {
        return end - start;
    }
}
