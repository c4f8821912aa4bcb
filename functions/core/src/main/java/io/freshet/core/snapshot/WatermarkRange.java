package io.freshet.core.snapshot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The rows of an incremental table one partition holds: those whose watermark is in
 * {@code (after, upTo]}, recorded in the partition's asset event so that the partition can be read
 * again exactly.
 *
 * @param after the previous partition's upper bound (exclusive); empty: from the table's first row,
 *              rows with a NULL watermark included
 * @param upTo  the greatest watermark read (inclusive); empty when no row read had a watermark
 */
public record WatermarkRange(Optional<String> after, Optional<String> upTo) {

    /** Event metadata key of the upper bound; the key the watermark has always been recorded under. */
    public static final String UP_TO_KEY = "watermark";
    /** Event metadata key of the lower bound; its presence marks an event that records its range. */
    public static final String AFTER_KEY = "watermarkAfter";
    /** {@link #AFTER_KEY}'s value for "from the table's first row" (no watermark value is empty). */
    public static final String FROM_THE_START = "";

    public WatermarkRange {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(upTo, "upTo");
    }

    /** The range recorded in an asset event's metadata; empty for an event that records none (a full snapshot, or one recorded before ranges were). */
    public static Optional<WatermarkRange> recordedIn(Map<String, String> metadata) {
        if (!metadata.containsKey(AFTER_KEY)) {
            return Optional.empty();
        }
        String after = metadata.get(AFTER_KEY);
        return Optional.of(new WatermarkRange(after.equals(FROM_THE_START) ? Optional.empty() : Optional.of(after),
                Optional.ofNullable(metadata.get(UP_TO_KEY))));
    }

    /** The metadata entries that record this range. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(AFTER_KEY, after.orElse(FROM_THE_START));
        upTo.ifPresent(u -> m.put(UP_TO_KEY, u));
        return m;
    }

    /** {@code (2026-12-01 23:59:58+00, 2026-12-02 23:59:59+00]}, for messages. */
    public String describe() {
        return "(" + after.orElse("the first row") + ", " + upTo.orElse("no watermark") + "]";
    }
}
