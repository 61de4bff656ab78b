package dev.tensorseal.internal.onnx;

import dev.tensorseal.internal.store.TensorNames;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the graph initializers of an ONNX {@code ModelProto} and rewrites the model with every initializer
 * marked external and its data cleared. Only the fields on the path ModelProto.graph(7) -> GraphProto.initializer(5)
 * -> TensorProto are decoded; every other field is copied byte for byte, so the rewritten model differs from
 * the original only in the initializers.
 *
 * <p>Why a hand-written wire reader instead of protobuf-java: the importer touches three messages and a dozen
 * field numbers; generating all of onnx.proto would add protoc to the build and a 2 MB runtime dependency to
 * core, and protobuf-java parses the whole 23 MB+ message (weights included) into heap objects, where this reads
 * raw_data as slices of the mapped file and re-emits the graph without copying weights anywhere.
 */
public final class OnnxModel {
    static final int MODEL_GRAPH = 7;
    static final int GRAPH_INITIALIZER = 5;
    static final int GRAPH_SPARSE_INITIALIZER = 15;
    static final int T_DIMS = 1;
    static final int T_DATA_TYPE = 2;
    static final int T_SEGMENT = 3;
    static final int T_FLOAT_DATA = 4;
    static final int T_INT32_DATA = 5;
    static final int T_STRING_DATA = 6;
    static final int T_INT64_DATA = 7;
    static final int T_NAME = 8;
    static final int T_RAW_DATA = 9;
    static final int T_DOUBLE_DATA = 10;
    static final int T_UINT64_DATA = 11;
    static final int T_EXTERNAL_DATA = 13;
    static final int T_DATA_LOCATION = 14;
    static final int MAX_RANK = 64;
    /** The external_data location written into the rewritten graph; no such file is ever read. */
    public static final String EXTERNAL_LOCATION = "tensorseal-sealed-initializer";

    private final MemorySegment model;
    private final List<OnnxInitializer> initializers;

    private OnnxModel(MemorySegment model, List<OnnxInitializer> initializers) {
        this.model = model;
        this.initializers = initializers;
    }

    /** Parses {@code model} (typically a read-only mapping of the .onnx file); raw data stays in place. */
    public static OnnxModel read(MemorySegment model) {
        List<OnnxInitializer> out = new ArrayList<>();
        boolean sawGraph = false;
        ProtoReader r = new ProtoReader(model);
        while (r.hasMore()) {
            long tag = r.readTag();
            if ((tag >>> 3) == MODEL_GRAPH && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
                if (sawGraph) {
                    throw new OnnxFormatException("ModelProto has two graph fields");
                }
                sawGraph = true;
                readGraph(r.readBytes(), out);
            } else {
                r.skip((int) (tag & 7));
            }
        }
        if (!sawGraph) {
            throw new OnnxFormatException("not an ONNX model: ModelProto has no graph");
        }
        Set<String> names = new HashSet<>();
        for (OnnxInitializer i : out) {
            if (!names.add(i.name())) {
                throw new OnnxFormatException("initializer '" + i.name() + "' appears twice");
            }
        }
        return new OnnxModel(model, List.copyOf(out));
    }

    public List<OnnxInitializer> initializers() {
        return initializers;
    }

    private static void readGraph(MemorySegment graph, List<OnnxInitializer> out) {
        ProtoReader r = new ProtoReader(graph);
        while (r.hasMore()) {
            long tag = r.readTag();
            long field = tag >>> 3;
            if (field == GRAPH_INITIALIZER && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
                out.add(readTensor(r.readBytes()));
            } else if (field == GRAPH_SPARSE_INITIALIZER) {
                throw new OnnxFormatException("the graph has sparse initializers, which the importer does not support");
            } else {
                r.skip((int) (tag & 7));
            }
        }
    }

    private static OnnxInitializer readTensor(MemorySegment tensor) {
        TensorFields f = TensorFields.parse(tensor);
        String name = f.name == null ? "" : f.name;
        if (name.isEmpty()) {
            throw new OnnxFormatException("an initializer has no name");
        }
        String problem = TensorNames.problem(name); // the store's one rule, checked where the name enters
        if (problem != null) {
            throw new OnnxFormatException("initializer: " + problem);
        }
        if (f.external) {
            throw new OnnxFormatException("initializer '" + name + "' already keeps its data in an external file;"
                    + " import the model with its data embedded");
        }
        OnnxDataType type = OnnxDataType.of(f.dataType, name);
        long elements = 1;
        for (long d : f.dims) {
            if (d < 0) {
                throw new OnnxFormatException("initializer '" + name + "' has negative dimension " + d);
            }
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new OnnxFormatException("initializer '" + name + "' has dims " + java.util.Arrays.toString(f.dims)
                        + " whose product overflows 64 bits");
            }
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, type.elementBytes);
        } catch (ArithmeticException e) {
            throw new OnnxFormatException("initializer '" + name + "' has dims " + java.util.Arrays.toString(f.dims)
                    + " whose byte size overflows 64 bits");
        }
        MemorySegment data;
        if (f.raw != null) {
            data = f.raw;
        } else {
            data = TypedValues.toRaw(tensor, type, elements, name);
        }
        if (data.byteSize() != bytes) {
            throw new OnnxFormatException("initializer '" + name + "' holds " + data.byteSize() + " bytes but its dims need "
                    + bytes);
        }
        return new OnnxInitializer(name, type.dtype, f.dims, data);
    }

    /**
     * Returns the model with every initializer's data fields removed and replaced by
     * {@code data_location = EXTERNAL} and {@code external_data} {location, offset=0, length}; all other bytes
     * are kept as they were.
     */
    public byte[] rewriteExternal() {
        ProtoWriter w = new ProtoWriter();
        ProtoReader r = new ProtoReader(model);
        while (r.hasMore()) {
            long start = r.position();
            long tag = r.readTag();
            if ((tag >>> 3) == MODEL_GRAPH && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
                w.bytesField(MODEL_GRAPH, rewriteGraph(r.readBytes()));
            } else {
                r.skip((int) (tag & 7));
                w.raw(model.asSlice(start, r.position() - start));
            }
        }
        return w.toByteArray();
    }

    private static byte[] rewriteGraph(MemorySegment graph) {
        ProtoWriter w = new ProtoWriter();
        ProtoReader r = new ProtoReader(graph);
        while (r.hasMore()) {
            long start = r.position();
            long tag = r.readTag();
            if ((tag >>> 3) == GRAPH_INITIALIZER && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
                w.bytesField(GRAPH_INITIALIZER, rewriteTensor(r.readBytes()));
            } else {
                r.skip((int) (tag & 7));
                w.raw(graph.asSlice(start, r.position() - start));
            }
        }
        return w.toByteArray();
    }

    private static byte[] rewriteTensor(MemorySegment tensor) {
        ProtoWriter w = new ProtoWriter();
        ProtoReader r = new ProtoReader(tensor);
        long bytes = readTensor(tensor).data().byteSize();
        while (r.hasMore()) {
            long start = r.position();
            long tag = r.readTag();
            int field = (int) (tag >>> 3);
            r.skip((int) (tag & 7));
            switch (field) {
                case T_FLOAT_DATA, T_INT32_DATA, T_STRING_DATA, T_INT64_DATA, T_RAW_DATA, T_DOUBLE_DATA, T_UINT64_DATA,
                        T_EXTERNAL_DATA, T_DATA_LOCATION -> { }
                default -> w.raw(tensor.asSlice(start, r.position() - start));
            }
        }
        w.bytesField(T_EXTERNAL_DATA, entry("location", EXTERNAL_LOCATION));
        w.bytesField(T_EXTERNAL_DATA, entry("offset", "0"));
        w.bytesField(T_EXTERNAL_DATA, entry("length", Long.toString(bytes)));
        w.varintField(T_DATA_LOCATION, 1);
        return w.toByteArray();
    }

    private static byte[] entry(String key, String value) {
        ProtoWriter e = new ProtoWriter();
        e.stringField(1, key);
        e.stringField(2, value);
        return e.toByteArray();
    }

    /** The TensorProto fields the importer needs, decoded once. */
    private static final class TensorFields {
        String name;
        long dataType;
        long[] dims = new long[0];
        MemorySegment raw;
        boolean external;

        static TensorFields parse(MemorySegment tensor) {
            TensorFields f = new TensorFields();
            List<Long> dims = new ArrayList<>();
            ProtoReader r = new ProtoReader(tensor);
            while (r.hasMore()) {
                long tag = r.readTag();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field == T_DIMS && wire == ProtoReader.VARINT) {
                    dims.add(r.readVarint());
                } else if (field == T_DIMS && wire == ProtoReader.LENGTH_DELIMITED) {
                    ProtoReader packed = new ProtoReader(r.readBytes());
                    while (packed.hasMore()) {
                        dims.add(packed.readVarint());
                    }
                } else if (field == T_DATA_TYPE && wire == ProtoReader.VARINT) {
                    f.dataType = r.readVarint();
                } else if (field == T_NAME && wire == ProtoReader.LENGTH_DELIMITED) {
                    f.name = r.readString();
                } else if (field == T_RAW_DATA && wire == ProtoReader.LENGTH_DELIMITED) {
                    f.raw = r.readBytes();
                } else if (field == T_DATA_LOCATION && wire == ProtoReader.VARINT) {
                    f.external = r.readVarint() == 1;
                } else if (field == T_SEGMENT) {
                    throw new OnnxFormatException("segmented tensors are not supported");
                } else {
                    r.skip(wire);
                }
                if (dims.size() > MAX_RANK) {
                    throw new OnnxFormatException("initializer has more than " + MAX_RANK + " dims");
                }
            }
            f.dims = dims.stream().mapToLong(Long::longValue).toArray();
            return f;
        }
    }

    /** Converts the typed repeated fields (float_data, int32_data, ...) into little-endian raw bytes. */
    private static final class TypedValues {
        private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        static MemorySegment toRaw(MemorySegment tensor, OnnxDataType type, long elements, String name) {
            long bytes = Math.multiplyExact(elements, type.elementBytes);
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new OnnxFormatException("initializer '" + name + "' is too large for typed fields");
            }
            // The protobuf encoding is at least one byte per element, so a tensor can't claim more elements than
            // its encoded size allows: this bounds the allocation by the input's size.
            if (elements > tensor.byteSize()) {
                throw new OnnxFormatException("initializer '" + name + "' declares " + elements
                        + " elements but holds at most " + tensor.byteSize());
            }
            MemorySegment out = MemorySegment.ofArray(new byte[(int) bytes]);
            long count = 0;
            ProtoReader r = new ProtoReader(tensor);
            while (r.hasMore()) {
                long tag = r.readTag();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field != type.typedField) {
                    r.skip(wire);
                    continue;
                }
                if (wire == ProtoReader.LENGTH_DELIMITED) {
                    ProtoReader packed = new ProtoReader(r.readBytes());
                    while (packed.hasMore()) {
                        count = put(out, count, elements, readValue(packed, type), type, name);
                    }
                } else {
                    count = put(out, count, elements, readValue(r, type, wire), type, name);
                }
            }
            if (count != elements) {
                throw new OnnxFormatException("initializer '" + name + "' holds " + count + " values but its dims need "
                        + elements);
            }
            return out;
        }

        private static long readValue(ProtoReader r, OnnxDataType type) {
            int wire = switch (type.typedField) {
                case T_FLOAT_DATA -> ProtoReader.FIXED32;
                case T_DOUBLE_DATA -> ProtoReader.FIXED64;
                default -> ProtoReader.VARINT;
            };
            return readValue(r, type, wire);
        }

        private static long readValue(ProtoReader r, OnnxDataType type, int wire) {
            return switch (wire) {
                case ProtoReader.FIXED32 -> r.readFixed32() & 0xffffffffL;
                case ProtoReader.FIXED64 -> r.readFixed64();
                case ProtoReader.VARINT -> r.readVarint();
                default -> throw new OnnxFormatException("typed field of " + type + " has wire type " + wire);
            };
        }

        private static long put(MemorySegment out, long index, long elements, long value, OnnxDataType type, String name) {
            if (index >= elements) {
                throw new OnnxFormatException("initializer '" + name + "' holds more values than its dims allow");
            }
            long at = index * type.elementBytes;
            if (type.elementBytes == 8) {
                out.set(LONG_LE, at, value);
            } else {
                for (int b = 0; b < type.elementBytes; b++) {
                    out.set(ValueLayout.JAVA_BYTE, at + b, (byte) (value >>> (8 * b)));
                }
            }
            return index + 1;
        }
    }
}
