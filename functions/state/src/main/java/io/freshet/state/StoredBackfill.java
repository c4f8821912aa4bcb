package io.freshet.state;

import java.time.Instant;

/**
 * What a backfill was asked to do, kept so that it can be resumed by id.
 *
 * @param force whether its runs execute even when inputs and code are unchanged ({@code --force})
 */
public record StoredBackfill(String backfillId, String asset, String from, String to, boolean downstream, boolean force, Instant createdAt) {

    public StoredBackfill(String backfillId, String asset, String from, String to, boolean downstream, Instant createdAt) {
        this(backfillId, asset, from, to, downstream, false, createdAt);
    }
}
