package dev.tensorseal.internal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Typed TensorProto fields become the same little-endian bytes raw_data would hold. */
class TypedFieldsTest {
    private static MemorySegment modelWith(byte[] tensor) {
        ProtoWriter graph = new ProtoWriter();
        graph.bytesField(OnnxModel.GRAPH_INITIALIZER, tensor);
        ProtoWriter model = new ProtoWriter();
        model.varintField(1, 6);
        model.bytesField(OnnxModel.MODEL_GRAPH, graph.toByteArray());
        return MemorySegment.ofArray(model.toByteArray());
    }

    private static byte[] bytes(OnnxInitializer i) {
        return i.data().toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void packedFloatDataBecomesLittleEndianFloats() {
        ProtoWriter t = new ProtoWriter();
        t.varintField(OnnxModel.T_DIMS, 2);
        t.varintField(OnnxModel.T_DATA_TYPE, 1);
        t.stringField(OnnxModel.T_NAME, "w");
        t.bytesField(OnnxModel.T_FLOAT_DATA,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array());
        OnnxInitializer i = OnnxModel.read(modelWith(t.toByteArray())).initializers().getFirst();
        assertEquals("F32", i.dtype());
        assertArrayEquals(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array(), bytes(i));
    }

    @Test
    void int32DataCarriesInt8AndNegativeValues() {
        ProtoWriter packed = new ProtoWriter();
        packed.varint(-3);
        packed.varint(127);
        ProtoWriter t = new ProtoWriter();
        t.varintField(OnnxModel.T_DIMS, 2);
        t.varintField(OnnxModel.T_DATA_TYPE, 3);
        t.stringField(OnnxModel.T_NAME, "zp");
        t.bytesField(OnnxModel.T_INT32_DATA, packed.toByteArray());
        OnnxInitializer i = OnnxModel.read(modelWith(t.toByteArray())).initializers().getFirst();
        assertArrayEquals(new byte[] {-3, 127}, bytes(i));
    }

    @Test
    void unpackedInt64AndDoubleAndUint64() {
        ProtoWriter t = new ProtoWriter();
        t.varintField(OnnxModel.T_DATA_TYPE, 7);
        t.stringField(OnnxModel.T_NAME, "scalar");
        t.varintField(OnnxModel.T_INT64_DATA, -1);
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1},
                bytes(OnnxModel.read(modelWith(t.toByteArray())).initializers().getFirst()));

        long bits = Double.doubleToRawLongBits(0.25);
        ProtoWriter d2 = new ProtoWriter();
        d2.varintField(OnnxModel.T_DATA_TYPE, 11);
        d2.stringField(OnnxModel.T_NAME, "d");
        d2.bytesField(OnnxModel.T_DOUBLE_DATA, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bits).array());
        assertArrayEquals(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).array(),
                bytes(OnnxModel.read(modelWith(d2.toByteArray())).initializers().getFirst()));

        ProtoWriter u = new ProtoWriter();
        u.varintField(OnnxModel.T_DIMS, 1);
        u.varintField(OnnxModel.T_DATA_TYPE, 12);
        u.stringField(OnnxModel.T_NAME, "u32");
        u.varintField(OnnxModel.T_UINT64_DATA, 0xfffffffeL);
        assertArrayEquals(new byte[] {-2, -1, -1, -1}, bytes(OnnxModel.read(modelWith(u.toByteArray())).initializers().getFirst()));
    }

    @Test
    void countMismatchIsRejected() {
        ProtoWriter t = new ProtoWriter();
        t.varintField(OnnxModel.T_DIMS, 3);
        t.varintField(OnnxModel.T_DATA_TYPE, 6);
        t.stringField(OnnxModel.T_NAME, "short");
        t.varintField(OnnxModel.T_INT32_DATA, 1);
        var e = org.junit.jupiter.api.Assertions.assertThrows(OnnxFormatException.class,
                () -> OnnxModel.read(modelWith(t.toByteArray())));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'short'"), e.getMessage());
    }
}
