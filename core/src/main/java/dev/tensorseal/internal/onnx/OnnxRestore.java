package dev.tensorseal.internal.onnx;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Plans the inverse of {@link OnnxModel#rewriteExternal}: the model as a list of pieces, graph structure bytes and
 * references to initializer data, so an exporter can stream each initializer's plaintext into its {@code raw_data}
 * field without holding the model in memory. Protobuf prefixes every message with its length, so the plan knows
 * every length before any weight byte is written. Restored initializers carry {@code raw_data} (typed fields such
 * as {@code float_data} in the source come back as the equivalent raw bytes) and no external-data fields.
 */
public final class OnnxRestore {
    private OnnxRestore() {}

    /** A run of the output file. */
    public sealed interface Piece {
        long lengthBytes();
    }

    /** Graph structure bytes, written as they are. */
    public record Bytes(byte[] bytes) implements Piece {
        @Override
        public long lengthBytes() {
            return bytes.length;
        }
    }

    /** The plaintext of initializer {@code name} ({@code lengthBytes} long), streamed from the store. */
    public record Initializer(String name, long lengthBytes) implements Piece {}

    /**
     * Plans {@code externalModel} (as {@link OnnxModel#rewriteExternal} wrote it) with every initializer's data back
     * inline; {@code byteSizeOf} gives each initializer's size and throws when the file lacks it.
     */
    public static List<Piece> plan(MemorySegment externalModel, ToLongFunction<String> byteSizeOf) {
        return message(externalModel, OnnxModel.MODEL_GRAPH, g -> message(g, OnnxModel.GRAPH_INITIALIZER,
                t -> tensor(t, byteSizeOf)));
    }

    /** Total length of a plan. */
    public static long lengthBytes(List<Piece> plan) {
        return plan.stream().mapToLong(Piece::lengthBytes).sum();
    }

    private interface Rewrite {
        List<Piece> apply(MemorySegment payload);
    }

    /** Copies {@code msg}, replacing each length-delimited field {@code field} by {@code rewrite} of its payload. */
    private static List<Piece> message(MemorySegment msg, int field, Rewrite rewrite) {
        List<Piece> out = new ArrayList<>();
        ProtoReader r = new ProtoReader(msg);
        while (r.hasMore()) {
            long start = r.position();
            long tag = r.readTag();
            if ((tag >>> 3) == field && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
                List<Piece> inner = rewrite.apply(r.readBytes());
                ProtoWriter w = new ProtoWriter();
                w.tag(field, ProtoReader.LENGTH_DELIMITED);
                w.varint(lengthBytes(inner));
                out.add(new Bytes(w.toByteArray()));
                out.addAll(inner);
            } else {
                r.skip((int) (tag & 7));
                out.add(new Bytes(msg.asSlice(start, r.position() - start).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            }
        }
        return out;
    }

    private static List<Piece> tensor(MemorySegment tensor, ToLongFunction<String> byteSizeOf) {
        ProtoWriter w = new ProtoWriter();
        ProtoReader r = new ProtoReader(tensor);
        String name = null;
        boolean external = false;
        while (r.hasMore()) {
            long start = r.position();
            long tag = r.readTag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == OnnxModel.T_NAME && wire == ProtoReader.LENGTH_DELIMITED) {
                name = r.readString();
            } else if (field == OnnxModel.T_DATA_LOCATION && wire == ProtoReader.VARINT) {
                external = r.readVarint() == 1;
                continue;
            } else {
                r.skip(wire);
            }
            if (field != OnnxModel.T_EXTERNAL_DATA) {
                w.raw(tensor.asSlice(start, r.position() - start));
            }
        }
        if (name == null || !external) {
            throw new OnnxFormatException("the stored graph has an initializer " + (name == null ? "without a name"
                    : "'" + name + "' that is not marked external") + "; it was not written by the importer");
        }
        long bytes = byteSizeOf.applyAsLong(name);
        w.tag(OnnxModel.T_RAW_DATA, ProtoReader.LENGTH_DELIMITED);
        w.varint(bytes);
        return List.of(new Bytes(w.toByteArray()), new Initializer(name, bytes));
    }
}
