package io.freshet.scheduler;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.model.Observation;
import io.freshet.state.EventLog;
import io.freshet.state.Recorded;
import io.freshet.state.StoredEvent;

/**
 * Turns an observed value into at most one asset event of the source, through the same
 * {@link EventLog#record} and {@code Asset Updated} as an S3 upload.
 *
 * <p>The last value observed is the source's newest event's data version ({@code A#{asset}} /
 * {@code NEWEST}): only a change is recorded. The event id hashes the source, the newest event's
 * id and the new value, so the retry of a tick that died after recording finds the same id (and
 * announces it if it was not), two racing ticks that saw the same change record it once, and a
 * value that comes back (A, B, A) is still a change each time.
 */
final class ObservedChanges {

    /** Longer observed values are kept as their hash: an event item must stay small. */
    static final int MAX_VALUE_CHARS = 256;
    static final String OBSERVED = "observed";
    static final String OBSERVATION = "observation";

    private final EventLog events;
    private final Announcer announcer;
    private final JsonLog log;

    ObservedChanges(EventLog events, Announcer announcer, JsonLog log) {
        this.events = events;
        this.announcer = announcer;
        this.log = log;
    }

    /** Records and announces {@code value} when it differs from the last observed; true when it recorded a change. */
    boolean apply(Observation o, String value, Instant now) {
        String version = versionOf(value);
        Optional<AssetEvent> newest = events.newest(o.source());
        if (newest.isPresent() && newest.get().dataVersion().equals(version)) {
            announceIfNot(newest.get()); // a tick that died between recording and announcing
            return false;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(OBSERVED, value.length() <= MAX_VALUE_CHARS ? value : value.substring(0, MAX_VALUE_CHARS) + "...");
        metadata.put(OBSERVATION, o.describe());
        newest.ifPresent(n -> metadata.put("previous", n.dataVersion()));
        String id = "obs-" + Ids.hash(24, List.of("observation", o.source(), newest.map(AssetEvent::eventId).orElse(""), version));
        AssetEvent e = new AssetEvent(id, o.source(), "", now, new Producer(Producer.Kind.OBSERVATION, o.describe()), version,
                Optional.empty(), List.of(), metadata);
        Recorded r = events.record(e);
        if (!r.leftToAnnounce()) {
            return false;
        }
        AssetEvent recorded = events.recordedAs(e, r);
        announce(recorded);
        log.info("asset updated: observed a change", Map.of("asset", o.source(), "eventId", id, "observed", metadata.get(OBSERVED),
                "observation", o.describe()));
        return r.isNew();
    }

    private void announceIfNot(AssetEvent newest) {
        Optional<StoredEvent> stored = events.stored(newest.eventId());
        if (stored.isPresent() && !stored.get().announced()) {
            announce(newest);
        }
    }

    private void announce(AssetEvent e) {
        announcer.announce(EventJson.ASSET_UPDATED, EventJson.assetUpdated(e));
        events.markAnnounced(e.eventId());
    }

    /** The value as the event's data version: itself when short, else its hash. */
    static String versionOf(String value) {
        return value.length() <= MAX_VALUE_CHARS ? value : "sha256:" + Ids.hash(64, List.of(value));
    }
}
