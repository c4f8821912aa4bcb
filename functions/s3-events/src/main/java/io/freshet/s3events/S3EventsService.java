package io.freshet.s3events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.Project;
import io.freshet.core.location.InvalidPartitionException;
import io.freshet.core.location.KeyMatch;
import io.freshet.core.location.KeyMatcher;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.state.EventLog;
import io.freshet.state.Recorded;
import io.freshet.state.StateStore;

/**
 * Turns S3 object notifications into asset events: each key is matched to the source assets
 * whose pattern it falls under (and their partition), recorded once, and announced as
 * {@code Asset Updated}. Keys of derived assets are left alone, because the run that wrote them
 * announces them, with the exact objects, once its checks passed.
 *
 * <p>What is recorded (docs/pipelines.md, "What a partition of an S3 source holds"): an upload of
 * a data object; a deletion (it removes the object from the partition: a change, announced); an
 * empty upload of a data object's key (the key holds no data any more: recorded, not announced).
 * Folder markers, hidden files ({@code _SUCCESS}, {@code .crc}, {@code _temporary/}) and the
 * source's {@code ignore:} globs are logged and skipped. A source with {@code complete_when} records
 * its data changes silently and announces its partition when the marker arrives.
 *
 * <p>Each record of a notification is handled on its own: the good ones are recorded and
 * announced, then the notification fails naming the bad ones by index, so that it reaches the
 * dead-letter queue with that reason (Lambda's retries find the good ones already recorded). Every
 * record is recorded before the first is announced, so that a consumer's run the first
 * announcement starts reads them all, and the runs the others start skip as unchanged (one
 * notification, one build, as a listing: docs/architecture.md, "Observed S3 sources").
 */
public final class S3EventsService {

    private final KeyMatcher sources;
    private final KeyMatcher markers;
    private final Map<String, Source.S3> sourceByName = new HashMap<>();
    private final Map<String, LocationPattern> resolvedByName = new HashMap<>();
    private final List<LocationPattern> derived;
    private final StateStore store;
    private final ListedUploads listedUploads;
    private final Announcer announcer;
    private final JsonLog log;

    /** A recorded event left to announce; {@code mark}: noted announced once it is. */
    private record Announcement(AssetEvent event, ObjectChange object, boolean mark, String logMessage) {
    }

    public S3EventsService(Project project, StackParameters parameters, StateStore store, Announcer announcer, JsonLog log) {
        KeyMatcher.Builder b = KeyMatcher.builder();
        KeyMatcher.Builder m = KeyMatcher.builder();
        for (Source s : project.sources()) {
            if (s instanceof Source.S3 s3) {
                LocationPattern resolved = parameters.resolve(s3.location());
                b.add(s3.name(), resolved);
                s3.files().completeWhen().ifPresent(marker -> m.add(s3.name(), resolved.markerLocation(marker)));
                sourceByName.put(s3.name(), s3);
                resolvedByName.put(s3.name(), resolved);
            }
        }
        this.sources = b.build();
        this.markers = m.build();
        this.derived = project.pipelines().stream().flatMap((Pipeline p) -> p.outputs().stream())
                .map((Output o) -> parameters.resolve(o.location())).toList();
        this.store = store;
        this.listedUploads = new ListedUploads(project, store);
        this.announcer = announcer;
        this.log = log;
    }

    /**
     * Handles one notification; returns the asset events it recorded or re-announced.
     *
     * @throws MalformedEventException after handling the good records, when some could not be
     *     handled: the message names each by index, with its reason
     */
    public List<AssetEvent> handle(JsonNode notification) {
        S3Notifications.Parsed parsed = S3Notifications.parse(notification);
        List<Announcement> toAnnounce = new ArrayList<>();
        List<S3Notifications.Rejected> rejected = new ArrayList<>(parsed.rejected());
        // A notification of several records is delivered again when any of them fails: its good
        // records are marked announced, so that they are not announced again each time.
        boolean oneOfMany = parsed.records() > 1;
        for (S3Notifications.Indexed c : parsed.changes()) {
            try {
                handle(c.change(), oneOfMany, toAnnounce);
            } catch (MalformedEventException e) {
                rejected.add(new S3Notifications.Rejected(c.index(), e.getMessage()));
            }
        }
        List<AssetEvent> out = toAnnounce.stream().map(this::announce).toList();
        if (!rejected.isEmpty()) {
            rejected.sort(Comparator.comparingInt(S3Notifications.Rejected::index));
            if (!parsed.isRecords()) {
                throw new MalformedEventException(rejected.get(0).reason());
            }
            throw new MalformedEventException(rejected.size() + " of " + parsed.records() + " records rejected ("
                    + (parsed.records() - rejected.size()) + " handled): "
                    + rejected.stream().map(r -> "record " + r.index() + ": " + r.reason()).collect(Collectors.joining("; ")));
        }
        return out;
    }

    /** Records one object's change; what is left to announce is added to {@code toAnnounce}, also when it then fails. */
    private void handle(ObjectChange o, boolean oneOfMany, List<Announcement> toAnnounce) {
        InvalidPartitionException invalid = null;
        List<KeyMatch> markerMatches;
        List<KeyMatch> dataMatches;
        try {
            markerMatches = markers.match(o.bucket(), o.key());
        } catch (InvalidPartitionException e) {
            invalid = e;
            markerMatches = e.validMatches();
        }
        try {
            dataMatches = sources.match(o.bucket(), o.key());
        } catch (InvalidPartitionException e) {
            invalid = invalid == null ? e : invalid;
            dataMatches = e.validMatches();
        }
        if (markerMatches.isEmpty() && dataMatches.isEmpty() && invalid == null) {
            boolean isDerived = derived.stream().anyMatch(p -> p.matches(o.bucket(), o.key()));
            log.info(isDerived ? "object of a derived asset: its run announces it" : "object matches no source asset: ignored",
                    Map.of("object", o.uri()));
            return;
        }
        Set<String> completedByThisKey = markerMatches.stream().map(KeyMatch::asset).collect(Collectors.toSet());
        for (KeyMatch m : markerMatches) {
            marker(o, m, oneOfMany).ifPresent(toAnnounce::add);
        }
        for (KeyMatch m : dataMatches) {
            if (!completedByThisKey.contains(m.asset())) {
                data(o, m, oneOfMany).ifPresent(toAnnounce::add);
            }
        }
        if (invalid != null) {
            // The other assets' matches are recorded above; this key cannot be placed for the invalid one.
            throw new MalformedEventException(invalid.getMessage());
        }
    }

    /** A change of an object under a source's location: data, a removal of data, or nothing the source reads. */
    private Optional<Announcement> data(ObjectChange o, KeyMatch m, boolean oneOfMany) {
        Source.S3 source = sourceByName.get(m.asset());
        LocationPattern location = resolvedByName.get(m.asset());
        Optional<String> ignoredByName = source.files().ignoredBecause(location, o.key(), OptionalLong.empty());
        if (ignoredByName.isPresent()) {
            log.info("not data of the source: ignored", Map.of("asset", m.asset(), "object", o.uri(), "reason", ignoredByName.get()));
            return Optional.empty();
        }
        if (o instanceof ObjectCreated c && c.size() > 0 && listedUploads.isListed(m.asset())) {
            Optional<AssetEvent> recorded = listedUploads.record(c, m);
            if (recorded.isEmpty()) {
                log.info("redelivered notification: already recorded and announced", Map.of("asset", m.asset(), "object", o.uri()));
            }
            return recorded.map(e -> new Announcement(e, o, true, "asset updated"));
        }
        AssetEvent e = switch (o) {
            case ObjectCreated c when c.size() == 0 -> removal(c, m, S3Change.EMPTIED);
            case ObjectCreated c -> upload(c, m);
            case ObjectDeleted d -> removal(d, m, d.deleteMarker() ? S3Change.DELETE_MARKER : S3Change.PERMANENT);
        };
        boolean emptied = S3Change.EMPTIED.equals(e.metadata().get(S3Change.REMOVAL));
        if (emptied || source.files().completeWhen().isPresent()) {
            // An empty object adds no data: recorded so that the key no longer contributes an older
            // version, but it triggers nothing. Under complete_when, the marker triggers.
            store.events().recordInHistory(e);
            log.info(emptied ? "an empty object: recorded as holding no data, not announced"
                            : "recorded; the partition is announced when its '" + source.files().completeWhen().get() + "' marker arrives",
                    Map.of("asset", e.asset(), "partition", e.partition(), "eventId", e.eventId(), "object", o.uri()));
            return Optional.empty();
        }
        return record(e, o, oneOfMany);
    }

    /** The completion marker of a {@code complete_when} source: its arrival announces the partition. */
    private Optional<Announcement> marker(ObjectChange o, KeyMatch m, boolean oneOfMany) {
        if (o instanceof ObjectDeleted) {
            log.info("a completion marker was deleted: the partition keeps what its last marker completed",
                    Map.of("asset", m.asset(), "object", o.uri()));
            return Optional.empty();
        }
        Map<String, String> metadata = new LinkedHashMap<>(common(o));
        metadata.put(S3Change.COMPLETES, o.uri());
        String version = o.versionId().orElse(((ObjectCreated) o).etag());
        AssetEvent e = new AssetEvent(Ids.s3Event(o.bucket(), o.key(), version, o.sequencer() + "#" + m.asset()),
                m.asset(), m.partitionKey(), o.time(), new Producer(Producer.Kind.S3_UPLOAD, o.uri()),
                "complete:" + version, Optional.empty(), List.of(), metadata);
        return record(e, o, oneOfMany);
    }

    private static AssetEvent upload(ObjectCreated c, KeyMatch m) {
        Map<String, String> metadata = new LinkedHashMap<>(common(c));
        metadata.put("bytes", Long.toString(c.size()));
        metadata.put("etag", c.etag());
        // A version names the write by itself: the id its producer's announcement gets too (functions/emit).
        String id = c.versionId().map(v -> Ids.objectVersion(c.bucket(), c.key(), v, m.asset()))
                .orElse(Ids.s3Event(c.bucket(), c.key(), c.dataVersion(), c.sequencer() + "#" + m.asset()));
        return new AssetEvent(id, m.asset(), m.partitionKey(), c.time(), new Producer(Producer.Kind.S3_UPLOAD, c.uri()),
                c.dataVersion(), Optional.empty(), List.of(c.uri()), metadata);
    }

    /** A removal names no objects (there is nothing to read); {@link S3Change#REMOVED} says which. */
    private static AssetEvent removal(ObjectChange o, KeyMatch m, String how) {
        Map<String, String> metadata = new LinkedHashMap<>(common(o));
        metadata.put(S3Change.REMOVED, o.uri());
        metadata.put(S3Change.REMOVAL, how);
        String version = how + ":" + o.versionId().orElse(o.sequencer());
        return new AssetEvent(Ids.s3Event(o.bucket(), o.key(), version, o.sequencer() + "#" + m.asset()),
                m.asset(), m.partitionKey(), o.time(), new Producer(Producer.Kind.S3_UPLOAD, o.uri()),
                version, Optional.empty(), List.of(), metadata);
    }

    private static Map<String, String> common(ObjectChange o) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(S3Change.SEQUENCER, o.sequencer());
        o.versionId().ifPresent(v -> metadata.put(S3Change.VERSION_ID, v));
        return metadata;
    }

    /**
     * Records an event, to be announced. A notification of one object (EventBridge's, as
     * template.yaml wires it) is delivered again only when its own handling failed, so it is
     * announced again on redelivery and nothing notes the announcement ({@link EventLog#recordAnnouncing}:
     * one store call less). One of many records is noted announced after its announcement, as its
     * redelivery may be for another record's failure.
     */
    private Optional<Announcement> record(AssetEvent e, ObjectChange o, boolean oneOfMany) {
        Recorded r = oneOfMany ? store.events().record(e) : store.events().recordAnnouncing(e);
        if (!(oneOfMany ? r.leftToAnnounce() : r.toAnnounceOnDelivery())) {
            log.info("redelivered notification: already recorded and announced", Map.of("asset", e.asset(), "eventId", e.eventId()));
            return Optional.empty();
        }
        // A new event, one recorded by an attempt that may have stopped before announcing it, or a
        // redelivered one-object notification (a second Asset Updated is the same event to its consumers).
        String what = S3Change.isRemoval(e) ? "asset updated: object removed" : "asset updated";
        return Optional.of(new Announcement(e, o, oneOfMany, r.isNew() ? what : what + " (recorded before: announced again)"));
    }

    /** Announces a recorded event, and notes it announced when asked to. */
    private AssetEvent announce(Announcement a) {
        AssetEvent e = a.event();
        announcer.announce(EventJson.ASSET_UPDATED, EventJson.assetUpdated(e));
        if (a.mark()) {
            store.events().markAnnounced(e.eventId());
        }
        log.info(a.logMessage(), Map.of("asset", e.asset(), "partition", e.partition(), "eventId", e.eventId(), "object", a.object().uri()));
        return e;
    }
}
