package dev.tensorseal.onnxruntime;

import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorInfo;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Writes a model's weights as a plain safetensors file and its graph as an .onnx file, as a user's export would give. */
final class SafetensorsFixture {
    private SafetensorsFixture() {}

    static void writeGraph(TensorStore store, Path out) throws IOException {
        try (TensorView g = store.read(SealedFile.ONNX_GRAPH_TENSOR)) {
            Files.write(out, g.toByteArray());
        }
    }

    static void writeWeights(TensorStore store, Path out) throws IOException {
        List<TensorInfo> infos = store.list().stream().filter(i -> !i.name().equals(SealedFile.ONNX_GRAPH_TENSOR)).toList();
        StringBuilder json = new StringBuilder("{");
        long at = 0;
        for (TensorInfo i : infos) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(i.name().replace("\\", "\\\\").replace("\"", "\\\"")).append("\":{\"dtype\":\"")
                    .append(i.dtype().name()).append("\",\"shape\":").append(Arrays.toString(i.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(at).append(',').append(at + i.byteSize()).append("]}");
            at += i.byteSize();
        }
        json.append('}');
        while (json.length() % 8 != 0) {
            json.append(' ');
        }
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream os = Files.newOutputStream(out); var ch = Channels.newChannel(os)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
            ch.write(ByteBuffer.wrap(header));
            for (TensorInfo i : infos) {
                try (TensorView v = store.read(i.name())) {
                    ch.write(v.asByteBuffer());
                }
            }
        }
    }
}
