package io.freshet.core.location;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Narrows an all-pairs overlap check to the pairs that can overlap at all. Two patterns in the
 * same bucket can only match a common key when one's literal prefix (the key text before the
 * first wildcard, placeholder or parameter) is a prefix of the other's; patterns in different
 * buckets never overlap. Only those candidates need the exact automaton check of
 * {@link LocationPattern#overlapWitness}, which turns loading thousands of pipelines from
 * quadratic into roughly linear work.
 *
 * @param <T> what is indexed (an output, a source)
 */
public final class OverlapCandidates<T> {

    private record Entry<T>(LocationPattern pattern, T item) {
    }

    /** Per bucket text: literal prefix -> entries with exactly that prefix, sorted by prefix. */
    private final Map<String, TreeMap<String, List<Entry<T>>>> byBucket = new HashMap<>();

    public void add(LocationPattern pattern, T item) {
        byBucket.computeIfAbsent(pattern.bucket(), b -> new TreeMap<>())
                .computeIfAbsent(pattern.literalPrefix(), p -> new ArrayList<>())
                .add(new Entry<>(pattern, item));
    }

    /** Items whose pattern might overlap {@code pattern}, in no particular order. */
    public List<T> candidates(LocationPattern pattern) {
        TreeMap<String, List<Entry<T>>> prefixes = byBucket.get(pattern.bucket());
        List<T> out = new ArrayList<>();
        if (prefixes == null) {
            return out;
        }
        String prefix = pattern.literalPrefix();
        // Entries whose prefix extends ours: a contiguous range of the sorted map.
        for (Map.Entry<String, List<Entry<T>>> e : prefixes.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            e.getValue().forEach(x -> out.add(x.item()));
        }
        // Entries whose prefix is a proper prefix of ours: at most one lookup per character.
        for (int len = 0; len < prefix.length(); len++) {
            List<Entry<T>> shorter = prefixes.get(prefix.substring(0, len));
            if (shorter != null) {
                shorter.forEach(x -> out.add(x.item()));
            }
        }
        return out;
    }
}
