package dev.tensorseal;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's name, element type and shape. An empty shape is a scalar (one element); a 0 anywhere in
 * the shape is a zero-size tensor. The shape array is copied in and out.
 *
 * @param name      the tensor's name in its store, non-empty
 * @param dtype     element type
 * @param shape     dimensions, each at least 0
 * @param byteSize  element count times element size
 */
public record TensorInfo(String name, DType dtype, long[] shape, long byteSize) {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        shape = shape.clone();
        long expected = byteSizeOf(dtype, shape);
        if (byteSize != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': byteSize " + byteSize + " does not match "
                    + dtype + Arrays.toString(shape) + " = " + expected + " bytes");
        }
    }

    /** Info for {@code name} with the byte size computed from dtype and shape. */
    public static TensorInfo of(String name, DType dtype, long... shape) {
        return new TensorInfo(name, dtype, shape, byteSizeOf(dtype, shape));
    }

    /** Element count times element size; checks each dimension is at least 0 and the product fits a long. */
    public static long byteSizeOf(DType dtype, long... shape) {
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape dimensions are at least 0, got " + Arrays.toString(shape));
            }
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new CapacityException("shape " + Arrays.toString(shape) + " has more than 2^63 elements");
            }
        }
        try {
            return Math.multiplyExact(elements, dtype.elementSizeBytes());
        } catch (ArithmeticException e) {
            throw new CapacityException("shape " + Arrays.toString(shape) + " of " + dtype + " is more than 2^63 bytes");
        }
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        return byteSize / dtype.elementSizeBytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ": " + dtype + Arrays.toString(shape) + " (" + byteSize + " bytes)";
    }
}
