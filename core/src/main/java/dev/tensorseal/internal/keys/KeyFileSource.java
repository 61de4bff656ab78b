package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file of exactly 32 raw key bytes, read through a direct buffer over the destination. */
public final class KeyFileSource implements KeySource {
    private final Path path;

    public KeyFileSource(Path path) {
        this.path = path;
    }

    @Override
    public void writeKey(MemorySegment destination) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != KEY_BYTES) {
                throw new UnsupportedParameterException("key file " + path + " must hold exactly " + KEY_BYTES
                        + " raw bytes, it holds " + size);
            }
            ByteBuffer dst = destination.asSlice(0, KEY_BYTES).asByteBuffer();
            while (dst.hasRemaining()) {
                if (ch.read(dst) < 0) {
                    throw new TensorSealException("key file " + path + " ended early");
                }
            }
        } catch (IOException e) {
            destination.fill((byte) 0);
            throw new TensorSealException("cannot read key file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return "key file " + path;
    }
}
