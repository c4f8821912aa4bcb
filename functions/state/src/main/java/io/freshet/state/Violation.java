package io.freshet.state;

import java.time.Instant;

/**
 * An asset partition that is overdue (or just recovered). {@code announced}: whether the event
 * for its current state went out; a tick that died before announcing leaves it to the next.
 */
public record Violation(String asset, String partition, String violationId, boolean overdue, String reason,
                        Instant since, boolean announced) {
}
