package dev.tensorseal.internal.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file in one pass: the header first (all shapes are known up front), then each tensor's
 * bytes streamed in order through {@link #write(ByteBuffer)}, so no tensor needs to be whole in memory.
 */
public final class SafetensorsWriter {
    /** What the caller declares for each tensor, in the order its bytes will be written. */
    public record Declared(String name, String dtype, long[] shape) {}

    private final WritableByteChannel out;
    private final SafetensorsHeader header;
    private long expectedBytes;
    private long writtenBytes;

    /** Writes the header of a file holding {@code tensors} (data in that order) to {@code out}. */
    public SafetensorsWriter(WritableByteChannel out, List<Declared> tensors, Map<String, String> metadata)
            throws IOException {
        this.out = out;
        List<SafetensorsEntry> entries = new ArrayList<>();
        long at = 0;
        for (Declared d : tensors) {
            int elementBytes = SafetensorsEntry.elementBytes(d.dtype());
            if (elementBytes < 0) {
                throw new SafetensorsException("safetensors has no dtype '" + d.dtype() + "' (tensor '" + d.name() + "')");
            }
            long bytes = elementBytes;
            for (long dim : d.shape()) {
                bytes = Math.multiplyExact(bytes, dim);
            }
            entries.add(new SafetensorsEntry(d.name(), d.dtype(), d.shape(), at, at + bytes));
            at += bytes;
        }
        this.header = new SafetensorsHeader(entries, metadata);
        this.expectedBytes = at;
        byte[] json = header.encode();
        writeAll(ByteBuffer.wrap(SafetensorsHeader.lengthPrefix(json.length)));
        writeAll(ByteBuffer.wrap(json));
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** Appends tensor bytes (the tensors' data, concatenated in declaration order). */
    public void write(ByteBuffer data) throws IOException {
        if (writtenBytes + data.remaining() > expectedBytes) {
            throw new IllegalStateException("more tensor bytes than the header declares (" + expectedBytes + ")");
        }
        writtenBytes += data.remaining();
        writeAll(data);
    }

    /** Checks that exactly the declared number of bytes was written. */
    public void finish() {
        if (writtenBytes != expectedBytes) {
            throw new IllegalStateException("wrote " + writtenBytes + " tensor bytes, header declares " + expectedBytes);
        }
    }

    private void writeAll(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
