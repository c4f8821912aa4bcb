package io.freshet.state;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.testkit.MutableClock;

/**
 * What every contract test starts from: a fresh, empty store on a clock the test moves. The
 * subclasses of each contract (in {@link StateStoreContracts}, which {@link MemoryStateStoreTest}
 * and {@link DynamoStateStoreTest} extend) say which implementation; the assertions are the same
 * for both.
 */
abstract class StoreContract {

    /** With nanoseconds, which the table does not keep: both implementations return microseconds. */
    static final Instant START = Instant.parse("2026-05-26T06:00:00.123456789Z");

    protected final MutableClock clock = new MutableClock(START);
    protected StateStore store;

    protected abstract StateStore newStore(Clock clock);

    @BeforeEach
    void freshStore() {
        store = newStore(clock);
    }

    static AssetEvent upload(String id, String asset, String partition, Instant time) {
        return upload(id, asset, partition, time, Map.of("bytes", "5213"));
    }

    static AssetEvent upload(String id, String asset, String partition, Instant time, Map<String, String> metadata) {
        String uri = "s3://lake/landing/" + asset + "/" + partition + "/" + id + ".csv";
        return new AssetEvent(id, asset, partition, time, new Producer(Producer.Kind.S3_UPLOAD, uri), "v-" + id,
                Optional.empty(), List.of(uri), metadata);
    }

    static AssetEvent output(String id, String asset, String partition, Instant time, String runId) {
        return new AssetEvent(id, asset, partition, time, new Producer(Producer.Kind.RUN, runId), "sha-" + id,
                Optional.of("code-1"), List.of("s3://lake/" + asset + "/" + partition + "/run=" + runId + "/part-0.parquet"),
                Map.of("rows", "3", "check.not_null", "passed"));
    }

    static PendingEvent pending(AssetEvent e) {
        return new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time());
    }
}
