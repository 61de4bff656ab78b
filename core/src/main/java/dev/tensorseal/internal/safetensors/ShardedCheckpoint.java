package dev.tensorseal.internal.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The shards of a sharded checkpoint, opened and cross-checked against the index: every tensor the index
 * names is in the shard it names, and every tensor in a shard is in the index (no orphans, no duplicates).
 */
public final class ShardedCheckpoint implements AutoCloseable {
    private final ShardIndex index;
    private final List<SafetensorsFile> shards;

    private ShardedCheckpoint(ShardIndex index, List<SafetensorsFile> shards) {
        this.index = index;
        this.shards = shards;
    }

    /** Opens the index and its shards; a shard that is a symbolic link to a file outside the index's folder is refused. */
    public static ShardedCheckpoint open(Path indexFile) throws IOException {
        return open(indexFile, false);
    }

    /**
     * Opens the index and its shards. {@code followOutsideLinks} allows a shard that is a symbolic link to a file
     * outside the index's folder (as in a Hugging Face cache, whose snapshots link to {@code ../../blobs});
     * without it such a link is refused, so an index cannot make the importer read any file its user can.
     */
    public static ShardedCheckpoint open(Path indexFile, boolean followOutsideLinks) throws IOException {
        SafetensorsFile.requireRegular(indexFile);
        ShardIndex index = ShardIndex.read(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        List<SafetensorsFile> shards = new ArrayList<>();
        try {
            Set<String> seen = new HashSet<>();
            for (String name : index.shardNames()) {
                Path path = dir.resolve(name);
                if (!followOutsideLinks && Files.isSymbolicLink(path)) {
                    Path real = path.toRealPath();
                    if (!real.getParent().equals(dir.toRealPath())) {
                        throw new SafetensorsException(name + " is a symbolic link to " + real + ", outside " + dir
                                + ": refused unless links out of the folder are allowed (seal --follow-shard-links)");
                    }
                }
                SafetensorsFile shard = SafetensorsFile.open(path);
                shards.add(shard);
                for (SafetensorsEntry e : shard.header().tensors()) {
                    String listed = index.weightMap().get(e.name());
                    if (!name.equals(listed)) {
                        throw new SafetensorsException(name + ": tensor '" + e.name() + "' is "
                                + (listed == null ? "not in the index" : "listed in shard " + listed));
                    }
                    if (!seen.add(e.name())) {
                        throw new SafetensorsException(name + ": tensor '" + e.name() + "' appears in two shards");
                    }
                }
            }
            for (String tensor : index.weightMap().keySet()) {
                if (!seen.contains(tensor)) {
                    throw new SafetensorsException(indexFile.getFileName() + ": tensor '" + tensor + "' is missing from shard "
                            + index.weightMap().get(tensor));
                }
            }
            return new ShardedCheckpoint(index, List.copyOf(shards));
        } catch (IOException | RuntimeException e) {
            for (SafetensorsFile s : shards) {
                s.close();
            }
            throw e;
        }
    }

    public ShardIndex index() {
        return index;
    }

    /** Shards in index order (sorted by file name). */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    @Override
    public void close() throws IOException {
        for (SafetensorsFile s : shards) {
            s.close();
        }
    }
}
