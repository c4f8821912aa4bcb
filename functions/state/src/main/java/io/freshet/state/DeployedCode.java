package io.freshet.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The code version the tick last saw deployed, whether its re-materialization was requested, when
 * the tick first saw the pipeline at all, and when it noticed this version's deploy.
 *
 * @param changedAt when the tick noticed the deploy of {@code version} (to microseconds, as stored),
 *                  empty on first sight and for a change noticed by a tick from before this field. The
 *                  change's rebuild requests take their ids from it: a tick that died before marking
 *                  the change applied repeats the same requests, and a version deployed again after a
 *                  revert (B, back to A, B again) is a new change, rebuilt again.
 */
public record DeployedCode(String version, boolean applied, Instant firstSeen, Optional<Instant> changedAt) {

    public DeployedCode {
        changedAt = changedAt.map(t -> t.truncatedTo(ChronoUnit.MICROS));
    }

    /** A version seen with no change behind it: the pipeline's first sight. */
    public DeployedCode(String version, boolean applied, Instant firstSeen) {
        this(version, applied, firstSeen, Optional.empty());
    }

    /** The same change, its rebuilds requested. */
    public DeployedCode asApplied() {
        return new DeployedCode(version, true, firstSeen, changedAt);
    }
}
