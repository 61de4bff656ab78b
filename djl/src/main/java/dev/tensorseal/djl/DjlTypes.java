package dev.tensorseal.djl;

import ai.djl.ndarray.types.DataType;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.UnsupportedParameterException;

/** The DJL data type of a sealed tensor, and the dtypes an engine cannot take from a buffer. */
final class DjlTypes {
    /** DJL's name of its PyTorch engine. */
    static final String PYTORCH = "PyTorch";

    private DjlTypes() {}

    static DataType of(TensorInfo info) {
        return switch (info.dtype()) {
            case F32 -> DataType.FLOAT32;
            case F64 -> DataType.FLOAT64;
            case F16 -> DataType.FLOAT16;
            case BF16 -> DataType.BFLOAT16;
            case I8 -> DataType.INT8;
            case U8 -> DataType.UINT8;
            case I16 -> DataType.INT16;
            case U16 -> DataType.UINT16;
            case I32 -> DataType.INT32;
            case U32 -> DataType.UINT32;
            case I64 -> DataType.INT64;
            case U64 -> DataType.UINT64;
            case BOOL -> DataType.BOOLEAN;
            case C64 -> DataType.COMPLEX64;
            default -> throw new UnsupportedParameterException("tensor '" + info.name() + "' is " + info.dtype()
                    + ", which DJL has no data type for");
        };
    }

    /**
     * Refuses a tensor {@code engine} cannot take: DJL's PyTorch engine aborts the JVM (not an exception) when given a
     * BF16 array from a buffer, so such a tensor is refused here, before any array is made.
     */
    static void requireSupported(String engine, TensorInfo info) {
        if (engine.equals(PYTORCH) && info.dtype() == dev.tensorseal.DType.BF16) {
            throw new UnsupportedParameterException("tensor '" + info.name() + "' is BF16, which DJL's PyTorch engine cannot"
                    + " take from a buffer (it aborts the JVM): seal it as F32 or F16, or use another engine");
        }
        of(info);
    }
}
