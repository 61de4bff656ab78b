package dev.tensorseal.onnxruntime;

import ai.onnxruntime.OnnxJavaType;
import dev.tensorseal.DType;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.UnsupportedParameterException;

/** The ONNX Runtime element type for a sealed tensor's dtype; dtypes ONNX Runtime's Java API cannot take are refused. */
final class OnnxTypes {
    private OnnxTypes() {}

    static OnnxJavaType of(TensorInfo info) {
        return switch (info.dtype()) {
            case F32 -> OnnxJavaType.FLOAT;
            case F64 -> OnnxJavaType.DOUBLE;
            case F16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case I8 -> OnnxJavaType.INT8;
            case U8 -> OnnxJavaType.UINT8;
            case I16 -> OnnxJavaType.INT16;
            case I32 -> OnnxJavaType.INT32;
            case I64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new UnsupportedParameterException("tensor '" + info.name() + "' is " + info.dtype()
                    + ": ONNX Runtime's Java API takes only " + supported());
        };
    }

    private static String supported() {
        return java.util.List.of(DType.F32, DType.F64, DType.F16, DType.BF16, DType.I8, DType.U8, DType.I16, DType.I32,
                DType.I64, DType.BOOL).toString();
    }
}
