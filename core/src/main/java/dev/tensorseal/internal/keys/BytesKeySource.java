package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.MemorySegment;

/** Key bytes handed over by the application, held off-heap until closed. */
public final class BytesKeySource implements KeySource {
    private final SecretBytes key;

    public BytesKeySource(MemorySegment source) {
        if (source.byteSize() != KEY_BYTES) {
            throw new UnsupportedParameterException("a master key is " + KEY_BYTES + " bytes, got " + source.byteSize());
        }
        this.key = SecretBytes.copyOf(source);
    }

    @Override
    public void writeKey(MemorySegment destination) {
        MemorySegment.copy(key.insecureSegment(), 0, destination, 0, KEY_BYTES);
    }

    @Override
    public String description() {
        return "key bytes from the application";
    }

    @Override
    public void close() {
        key.close();
    }
}
