package io.freshet.core.location;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the source assets an uploaded S3 object belongs to, among thousands of resolved
 * locations. Locations are indexed by bucket, then by {@linkplain LocationPattern#literalPrefix()
 * literal prefix} in a character trie: walking the key down the trie collects exactly the
 * locations whose literal prefix the key starts with, so a lookup costs O(key length + candidates)
 * instead of one regex per location. Each candidate is then confirmed with its precompiled regex.
 *
 * <p>Immutable and safe to share between threads once built.
 */
public final class KeyMatcher {

    private static final Comparator<KeyMatch> ORDER =
            Comparator.comparing(KeyMatch::asset).thenComparing(KeyMatch::partitionKey);

    private record Entry(String asset, LocationPattern pattern, Pattern regex) {}

    /** A trie node: the entries whose literal prefix is the path to here, and the longer prefixes. */
    private static final class Node {
        final Map<Character, Node> children = new HashMap<>(4);
        final List<Entry> entries = new ArrayList<>(1);
    }

    private record Problem(String asset, String reason) {}

    private final Map<String, Node> roots;

    private KeyMatcher(Map<String, Node> roots) {
        this.roots = roots;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        private Builder() {}

        /**
         * Registers a source asset's location. The location must be resolved: events carry real
         * bucket names, so a parameter here could never match.
         *
         * @throws IllegalArgumentException if {@code resolvedPattern} still has parameters
         */
        public Builder add(String asset, LocationPattern resolvedPattern) {
            Objects.requireNonNull(asset, "asset");
            Objects.requireNonNull(resolvedPattern, "resolvedPattern");
            if (resolvedPattern.hasParameters()) {
                throw new IllegalArgumentException("location " + resolvedPattern + " of asset " + asset
                        + " has unresolved parameters " + resolvedPattern.parameters() + ": resolve it first");
            }
            entries.add(new Entry(asset, resolvedPattern, resolvedPattern.keyRegex()));
            return this;
        }

        /** The matcher for the locations added so far; the builder can go on being used. */
        public KeyMatcher build() {
            Map<String, Node> roots = new HashMap<>();
            for (Entry e : entries) {
                Node node = roots.computeIfAbsent(e.pattern().bucket(), b -> new Node());
                String prefix = e.pattern().literalPrefix();
                for (int i = 0; i < prefix.length(); i++) {
                    node = node.children.computeIfAbsent(prefix.charAt(i), c -> new Node());
                }
                node.entries.add(e);
            }
            return new KeyMatcher(roots);
        }
    }

    /**
     * The assets whose locations match {@code s3://bucket/key}, each with the partition the key is
     * for, sorted by asset (then partition key) and without duplicates. {@code key} is the decoded
     * key, as it is stored; it may contain any characters.
     *
     * @throws InvalidPartitionException if a location matches but its placeholders hold an
     *     impossible date or hour, or has the location's shape but with digits of another width
     *     ({@code hour=5}, see {@link LocationPattern#widthProblem}); the first such asset by name is reported, further ones are
     *     attached as suppressed exceptions
     */
    public List<KeyMatch> match(String bucket, String key) {
        Node node = roots.get(bucket);
        if (node == null) {
            return List.of();
        }
        List<KeyMatch> matches = new ArrayList<>();
        List<Problem> problems = new ArrayList<>(0);
        for (Entry e : candidates(node, key)) {
            Matcher m = e.regex().matcher(key);
            if (m.matches()) {
                try {
                    matches.add(new KeyMatch(e.asset(), e.pattern().partitionKeyOf(m)));
                } catch (IllegalArgumentException notAPartition) {
                    problems.add(new Problem(e.asset(), notAPartition.getMessage()));
                }
            } else {
                // The same rule as an impossible date: digits of the wrong width are refused, not ignored.
                e.pattern().widthProblem(key).ifPresent(reason -> problems.add(new Problem(e.asset(), reason)));
            }
        }
        List<KeyMatch> sorted = matches.stream().distinct().sorted(ORDER).toList();
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(Problem::asset).thenComparing(Problem::reason));
            InvalidPartitionException first = null;
            for (Problem p : problems) {
                InvalidPartitionException e = new InvalidPartitionException(p.asset(), bucket, key, p.reason(), sorted);
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
            throw first;
        }
        return sorted;
    }

    /** The entries whose literal prefix {@code key} starts with: those on the trie path it spells. */
    private static List<Entry> candidates(Node root, String key) {
        List<Entry> found = new ArrayList<>(root.entries);
        Node node = root;
        for (int i = 0; i < key.length(); i++) {
            node = node.children.get(key.charAt(i));
            if (node == null) {
                break;
            }
            found.addAll(node.entries);
        }
        return found;
    }
}
