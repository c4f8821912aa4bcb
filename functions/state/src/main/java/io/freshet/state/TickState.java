package io.freshet.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the tick keeps per pipeline (cursors, code versions) and every open violation, read
 * with a few queries rather than requests per pipeline: with thousands of pipelines a tick
 * must stay well inside its minute (docs/performance.md, "The tick").
 */
public record TickState(Map<String, Instant> cursors, Map<String, DeployedCode> code, Map<String, List<Violation>> violations) {

    public List<Violation> violations(String asset) {
        return violations.getOrDefault(asset, List.of());
    }
}
