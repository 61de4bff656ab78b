package dev.tensorseal.internal.tseal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each shard's {@code __metadata__} from a sharded file's metadata. Current files write
 * {@code shardmeta.SHARD/KEY}; older ones wrote {@code st.SHARD.KEY}, which is ambiguous when one shard name
 * is another's prefix plus a dot ({@code a} and {@code a.b}): there the longest shard name that fits wins.
 */
final class ShardMetadata {
    private ShardMetadata() {}

    static Map<String, Map<String, String>> split(Map<String, String> md, Collection<String> shards) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String s : shards) {
            out.put(s, new LinkedHashMap<>());
        }
        boolean current = md.keySet().stream().anyMatch(k -> k.startsWith(TsealFiles.SHARD_METADATA));
        md.forEach((k, v) -> {
            if (current && k.startsWith(TsealFiles.SHARD_METADATA)) {
                String rest = k.substring(TsealFiles.SHARD_METADATA.length());
                int slash = rest.indexOf('/');
                if (slash > 0 && out.containsKey(rest.substring(0, slash))) {
                    out.get(rest.substring(0, slash)).put(rest.substring(slash + 1), v);
                }
            } else if (!current && k.startsWith("st.")) {
                String rest = k.substring(3);
                String best = null;
                for (String s : shards) {
                    if (rest.startsWith(s + ".") && (best == null || s.length() > best.length())) {
                        best = s;
                    }
                }
                if (best != null) {
                    out.get(best).put(rest.substring(best.length() + 1), v);
                }
            }
        });
        return out;
    }
}
