package io.freshet.state;

import java.time.Instant;

/**
 * The code version the tick last saw deployed, whether its re-materialization was requested, and
 * when the tick first saw the pipeline at all.
 */
public record DeployedCode(String version, boolean applied, Instant firstSeen) {
}
