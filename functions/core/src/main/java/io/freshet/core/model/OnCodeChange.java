package io.freshet.core.model;

/**
 * What the tick re-materializes when a deploy changes the pipeline's code version: nothing, the
 * newest partition (the default), the newest {@code last} partitions, or every partition that
 * holds data. Their new events ripple downstream like any update.
 */
public record OnCodeChange(Mode mode, int last) {

    public enum Mode { NONE, LATEST, LAST, ALL }

    public static final OnCodeChange LATEST = new OnCodeChange(Mode.LATEST, 1);
    public static final OnCodeChange NONE = new OnCodeChange(Mode.NONE, 0);
    public static final OnCodeChange ALL = new OnCodeChange(Mode.ALL, Integer.MAX_VALUE);

    /** At most this many partitions are re-materialized at once, whatever the pipeline asks. */
    public static final int MAX_PARTITIONS = 1000;

    public static OnCodeChange last(int n) {
        return new OnCodeChange(Mode.LAST, n);
    }

    /** How many of the newest materialized partitions to rebuild. */
    public int partitions() {
        return switch (mode) {
            case NONE -> 0;
            case LATEST -> 1;
            case LAST -> last;
            case ALL -> MAX_PARTITIONS;
        };
    }

    public String describe() {
        return switch (mode) {
            case NONE -> "nothing";
            case LATEST -> "the latest partition";
            case LAST -> "the last " + last + " partitions";
            case ALL -> "every partition (at most " + MAX_PARTITIONS + ")";
        };
    }
}
