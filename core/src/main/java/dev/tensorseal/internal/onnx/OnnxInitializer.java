package dev.tensorseal.internal.onnx;

import java.lang.foreign.MemorySegment;

/**
 * One graph initializer: name, safetensors-style dtype, dims, and its bytes in little-endian raw layout.
 * For {@code raw_data} initializers {@code data} is a slice of the model's (mapped) bytes; typed-field
 * initializers are converted into a small heap segment.
 */
public record OnnxInitializer(String name, String dtype, long[] dims, MemorySegment data) {
    public OnnxInitializer {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }
}
