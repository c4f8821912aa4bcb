package io.freshet.s3events;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.aws.store.DynamoStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.location.InvalidPartitionException;
import io.freshet.core.location.KeyMatch;
import io.freshet.core.location.KeyMatcher;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;

/**
 * Turns S3 object notifications into asset events: each key is matched to the source assets
 * whose pattern it falls under (and their partition), recorded once, and announced as
 * {@code Asset Updated}. Keys of derived assets are left alone, because the run that wrote them
 * announces them, with the exact objects, once its checks passed.
 */
public final class S3EventsService {

    private final KeyMatcher sources;
    private final List<LocationPattern> derived;
    private final DynamoStore store;
    private final Announcer announcer;
    private final JsonLog log;

    public S3EventsService(Project project, Map<String, String> parameters, DynamoStore store, Announcer announcer, JsonLog log) {
        KeyMatcher.Builder b = KeyMatcher.builder();
        for (Source s : project.sources()) {
            if (s instanceof Source.S3 s3) {
                b.add(s3.name(), s3.location().resolve(parameters));
            }
        }
        this.sources = b.build();
        this.derived = project.pipelines().stream().flatMap((Pipeline p) -> p.outputs().stream())
                .map((Output o) -> o.location().resolve(parameters)).toList();
        this.store = store;
        this.announcer = announcer;
        this.log = log;
    }

    /** Handles one notification; returns the asset events it recorded or re-announced. */
    public List<AssetEvent> handle(JsonNode notification) {
        List<AssetEvent> out = new java.util.ArrayList<>();
        for (ObjectCreated o : S3Notifications.parse(notification)) {
            out.addAll(handle(o));
        }
        return out;
    }

    List<AssetEvent> handle(ObjectCreated o) {
        List<KeyMatch> matches;
        try {
            matches = sources.match(o.bucket(), o.key());
        } catch (InvalidPartitionException e) {
            throw new MalformedEventException(e.getMessage());
        }
        if (matches.isEmpty()) {
            boolean isDerived = derived.stream().anyMatch(p -> p.matches(o.bucket(), o.key()));
            log.info(isDerived ? "object of a derived asset: its run announces it" : "object matches no source asset: ignored",
                    Map.of("object", o.uri()));
            return List.of();
        }
        List<AssetEvent> out = new java.util.ArrayList<>();
        for (KeyMatch m : matches) {
            AssetEvent e = new AssetEvent(
                    Ids.s3Event(o.bucket(), o.key(), o.dataVersion(), o.sequencer() + "#" + m.asset()),
                    m.asset(), m.partitionKey(), o.time(), new Producer(Producer.Kind.S3_UPLOAD, o.uri()),
                    o.dataVersion(), java.util.Optional.empty(), List.of(o.uri()),
                    Map.of("bytes", Long.toString(o.size()), "etag", o.etag()));
            String json = EventJson.assetUpdated(e);
            DynamoStore.Recorded r = store.recordEvent(e, json);
            if (!r.isNew() && r.announced()) {
                log.info("redelivered notification: already recorded and announced", Map.of("asset", e.asset(), "eventId", e.eventId()));
                continue;
            }
            // A new event, or one recorded by an attempt that failed before announcing it.
            announcer.announce(EventJson.ASSET_UPDATED, json);
            store.markEventAnnounced(e.eventId());
            log.info("asset updated", Map.of("asset", e.asset(), "partition", e.partition(), "eventId", e.eventId(), "object", o.uri()));
            out.add(e);
        }
        return out;
    }
}
