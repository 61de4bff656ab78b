package dev.tensorseal.internal.onnx;

/**
 * ONNX {@code TensorProto.DataType} values the importer handles: whole-byte element types, each with its size,
 * the typed field that may carry it instead of {@code raw_data}, and the safetensors-style dtype name used in
 * .tseal files. STRING and the 4-bit types are rejected.
 */
enum OnnxDataType {
    FLOAT(1, 4, "F32", 4),
    UINT8(2, 1, "U8", 5),
    INT8(3, 1, "I8", 5),
    UINT16(4, 2, "U16", 5),
    INT16(5, 2, "I16", 5),
    INT32(6, 4, "I32", 5),
    INT64(7, 8, "I64", 7),
    BOOL(9, 1, "BOOL", 5),
    FLOAT16(10, 2, "F16", 5),
    DOUBLE(11, 8, "F64", 10),
    UINT32(12, 4, "U32", 11),
    UINT64(13, 8, "U64", 11),
    BFLOAT16(16, 2, "BF16", 5);

    final int code;
    final int elementBytes;
    final String dtype;
    /** TensorProto field number of the typed field that holds this type's values when raw_data is absent. */
    final int typedField;

    OnnxDataType(int code, int elementBytes, String dtype, int typedField) {
        this.code = code;
        this.elementBytes = elementBytes;
        this.dtype = dtype;
        this.typedField = typedField;
    }

    static OnnxDataType of(long code, String tensor) {
        for (OnnxDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new OnnxFormatException("initializer '" + tensor + "' has ONNX data_type " + code
                + ", which the importer does not support (supported: whole-byte numeric types)");
    }

    static OnnxDataType ofDtype(String dtype) {
        for (OnnxDataType t : values()) {
            if (t.dtype.equals(dtype)) {
                return t;
            }
        }
        throw new OnnxFormatException("dtype " + dtype + " has no ONNX data type");
    }
}
