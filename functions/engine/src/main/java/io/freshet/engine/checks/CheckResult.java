package io.freshet.engine.checks;

/**
 * The outcome of one check on one output.
 *
 * @param failingRows how many rows broke it (for row_count: the row count found)
 * @param detail      what was found, in words, for the run record and the failure reason
 */
public record CheckResult(String asset, String name, String kind, boolean blocking, boolean passed, long failingRows, String detail) {

    /** Whether this result stops publication. */
    public boolean blocksPublication() {
        return blocking && !passed;
    }

    /** {@code core.trips:unique_trip_id=passed} style, for event metadata. */
    public String summary() {
        return (passed ? "passed" : "failed") + (passed ? "" : " (" + detail + ")");
    }
}
