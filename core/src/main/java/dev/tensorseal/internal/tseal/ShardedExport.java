package dev.tensorseal.internal.tseal;

import dev.tensorseal.TensorSealException;
import dev.tensorseal.internal.safetensors.ShardIndex;
import dev.tensorseal.internal.store.SealedStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Writes a sharded checkpoint back: each shard beside the index, then the index. The shard names come from the
 * file's metadata, which anyone holding the key can write, so they are checked exactly as the importer checks
 * an index (plain file names) before the first byte is written; a failure removes the shards already written.
 */
final class ShardedExport {
    private ShardedExport() {}

    static void write(SealedStore store, Map<String, String> md, Path indexOut, LongConsumer progress, boolean replace)
            throws IOException {
        Map<String, String> weightMap = new LinkedHashMap<>(TsealExport.prefixed(md, "shard."));
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        weightMap.forEach((t, s) -> byShard.computeIfAbsent(s, x -> new ArrayList<>()).add(t));
        Path index = indexOut.toAbsolutePath();
        Path dir = index.getParent();
        for (String shard : byShard.keySet()) {
            if (!ShardIndex.isPlainFileName(shard)) {
                throw new TensorSealException("the file names shard " + TsealFiles.printable(shard)
                        + ", which is not a plain file name: refusing to write outside " + dir);
            }
            Path target = dir.resolve(shard);
            if (target.equals(index)) {
                throw new TensorSealException("the file names shard " + TsealFiles.printable(shard)
                        + ", the name of the index being written: choose another -o");
            }
            if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString(), null, "a shard of this export already exists");
            }
        }
        Map<String, Map<String, String>> metadata = ShardMetadata.split(md, byShard.keySet());
        List<Path> written = new ArrayList<>();
        boolean done = false;
        try {
            for (var e : byShard.entrySet()) {
                Path target = dir.resolve(e.getKey());
                TsealExport.exportSafetensors(store, e.getValue(), metadata.get(e.getKey()), target, progress, replace);
                written.add(target);
            }
            byte[] json = new ShardIndex(weightMap, TsealExport.prefixed(md, "index.")).encode();
            TsealWriter.atomicWrite(indexOut, replace, null, ch -> TsealWriter.writeAt(ch, ByteBuffer.wrap(json), 0));
            done = true;
        } finally {
            if (!done) {
                for (Path p : written) {
                    Files.deleteIfExists(p); // plaintext of a failed export: no half checkpoint stays behind
                }
            }
        }
    }
}
