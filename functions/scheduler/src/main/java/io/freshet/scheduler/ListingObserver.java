package io.freshet.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.error.FreshetException;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.ListedObjects;
import io.freshet.core.events.Producer;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.Project;
import io.freshet.core.location.InvalidPartitionException;
import io.freshet.core.location.KeyMatch;
import io.freshet.core.location.KeyMatcher;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.model.Observation;
import io.freshet.core.model.Source;
import io.freshet.core.partition.Partitions;
import io.freshet.state.ListingCursor;
import io.freshet.state.ListingCursors;
import io.freshet.state.Recorded;
import io.freshet.state.StateStore;

/**
 * Observes an S3 source by listing ({@code observe: {list: true}}, docs/architecture.md "Observed
 * S3 sources"): lists the source's partitions within its lookback (its whole location when
 * unpartitioned), keeps the objects newer than the source's {@link ListingCursor}, matches each as
 * s3-events matches a notification (the same {@link KeyMatcher} and file rules), records each data
 * object once through {@code EventLog.record} with the id {@link ListedObjects} gives (the one
 * s3-events gives the same write), then announces each as {@code Asset Updated}, and only then
 * moves the cursor. Every object of the listing is recorded before the first is announced, so a
 * consumer's run started by the first announcement already reads every listed object's event
 * among its inputs' data versions, and the runs the later announcements start skip as unchanged:
 * one listing, one build. A tick that dies anywhere in between leaves the cursor where it was:
 * the next lists the same objects, finds them recorded, announces any it had not, and records
 * nothing twice.
 */
final class ListingObserver {

    /** How long after its LastModified an object may still become listable: S3 dates a write when it began. */
    static final Duration SETTLE = Duration.ofMinutes(15);
    /** The fingerprints a cursor keeps at most (13 bytes each: a cursor item stays far below DynamoDB's 400 KB). */
    static final int MAX_RECENT = 10_000;
    /** The metadata key of a listed object's LastModified: says it was seen by a listing, and when S3 dated it. */
    static final String LISTED = "listed";

    private final Project project;
    private final Map<String, String> parameters;
    private final StateStore store;
    private final ListingCursors cursors;
    private final ObjectListing listing;
    private final Announcer announcer;
    private final JsonLog log;

    ListingObserver(Project project, Map<String, String> parameters, StateStore store, ObjectListing listing, Announcer announcer, JsonLog log) {
        this.project = project;
        this.parameters = Map.copyOf(parameters);
        this.store = store;
        this.cursors = store.listings();
        this.listing = listing;
        this.announcer = announcer;
        this.log = log;
    }

    /** A data object to record, matched to its partition. */
    private record Candidate(ObjectListing.Listed object, String partition) {
    }

    /**
     * Lists, records what is new, moves the cursor; returns the events recorded now.
     *
     * @throws ObservationException when the listing failed (before anything was recorded)
     */
    int observe(Observation.Listing o, Instant now) {
        Source.S3 source = (Source.S3) project.source(o.source()).orElseThrow();
        LocationPattern location = resolve(o, source);
        Optional<ListingCursor> cursor = cursors.cursor(o.source());
        List<ObjectListing.Listed> listed = listing.list(o, location.bucket(), prefixes(o, source, location, now));
        Instant settled = cursor.map(ListingCursor::settledBefore).orElse(Instant.EPOCH);
        Set<String> recent = cursor.map(ListingCursor::recent).orElse(Set.of());
        KeyMatcher matcher = KeyMatcher.builder().add(o.source(), location).build();
        Map<String, List<Candidate>> byPartition = new TreeMap<>();
        for (ObjectListing.Listed l : listed) {
            if (!l.lastModified().isBefore(settled) && !recent.contains(fingerprint(l))) {
                candidate(source, location, matcher, l).ifPresent(c -> byPartition.computeIfAbsent(c.partition(), p -> new ArrayList<>()).add(c));
            }
        }
        int recorded = 0;
        List<AssetEvent> toAnnounce = new ArrayList<>();
        for (Map.Entry<String, List<Candidate>> e : byPartition.entrySet()) {
            recorded += record(o.source(), location.bucket(), e.getKey(), e.getValue(), now, toAnnounce);
        }
        toAnnounce.forEach(this::announce);
        cursors.advance(o.source(), cursor, next(o, cursor, listed, now)); // false: a racing tick moved it, as good
        return recorded;
    }

    private LocationPattern resolve(Observation.Listing o, Source.S3 source) {
        try {
            return source.location().resolve(parameters);
        } catch (RuntimeException e) {
            throw new ObservationException(o, "its location " + source.location() + " cannot be resolved: " + e.getMessage(),
                    FreshetException.Kind.PERMANENT, "", e);
        }
    }

    /** The partitions within the lookback, or the whole location; each a prefix to list. */
    static List<String> prefixes(Observation.Listing o, Source.S3 source, LocationPattern location, Instant now) {
        if (o.lookback().isEmpty()) {
            return List.of(location.listingPrefix(""));
        }
        String from = Partitions.containing(source.partitioning(), now.minus(o.lookback().get()));
        String to = Partitions.containing(source.partitioning(), now);
        return Partitions.range(source.partitioning(), from, to, Integer.MAX_VALUE).stream().map(location::listingPrefix).distinct().toList();
    }

    /** The object as s3-events would take its notification: the source's data, or ignored (logged) as s3-events ignores it. */
    private Optional<Candidate> candidate(Source.S3 source, LocationPattern location, KeyMatcher matcher, ObjectListing.Listed l) {
        String uri = "s3://" + location.bucket() + "/" + l.key();
        List<KeyMatch> matches;
        try {
            matches = matcher.match(location.bucket(), l.key());
        } catch (InvalidPartitionException e) {
            log.warn("listed object in no valid partition: ignored", Map.of("asset", source.name(), "object", uri, "reason", e.getMessage()));
            return Optional.empty();
        }
        if (matches.isEmpty()) {
            return Optional.empty(); // under the listed prefix, not the source's pattern: as s3-events, not the source's
        }
        Optional<String> ignored = source.files().ignoredBecause(location, l.key(), OptionalLong.of(l.size()));
        if (ignored.isPresent() || l.size() == 0) {
            log.info("not data of the source: ignored", Map.of("asset", source.name(), "object", uri,
                    "reason", ignored.orElse("an empty object holds no data")));
            return Optional.empty();
        }
        return Optional.of(new Candidate(l, matches.get(0).partitionKey()));
    }

    /** One partition's new objects, its history read once; what is left to announce is added to {@code toAnnounce}. */
    private int record(String asset, String bucket, String partition, List<Candidate> candidates, Instant now, List<AssetEvent> toAnnounce) {
        List<AssetEvent> history = new ArrayList<>(store.events().history(asset, partition));
        int recorded = 0;
        for (Candidate c : candidates) {
            ObjectListing.Listed l = c.object();
            switch (ListedObjects.place(asset, bucket, l.key(), l.etag(), history)) {
                case ListedObjects.Recorded r -> {
                    if (store.events().finishUnannounced(r.event())) {
                        toAnnounce.add(r.event());
                    }
                }
                case ListedObjects.New n -> {
                    AssetEvent e = event(asset, bucket, partition, l, n, now);
                    Recorded r = store.events().record(e);
                    AssetEvent stored = store.events().recordedAs(e, r);
                    if (r.leftToAnnounce()) {
                        toAnnounce.add(stored); // the recorded event: a racing notification's, if it came first
                    }
                    history.add(stored);
                    recorded += r.isNew() ? 1 : 0;
                    log.info("asset updated: listed a new object", Map.of("asset", asset, "partition", partition, "eventId", e.eventId(),
                            "object", "s3://" + bucket + "/" + l.key()));
                }
            }
        }
        return recorded;
    }

    /**
     * The event of a listed object, at the tick that saw it (as an observed PostgreSQL change; its
     * LastModified is kept in {@link #LISTED}), and after the key's previous change.
     */
    private static AssetEvent event(String asset, String bucket, String partition, ObjectListing.Listed l, ListedObjects.New n, Instant now) {
        String uri = "s3://" + bucket + "/" + l.key();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(S3Change.SEQUENCER, n.sequencer());
        metadata.put("bytes", Long.toString(l.size()));
        metadata.put(ListedObjects.ETAG, l.etag());
        metadata.put(LISTED, l.lastModified().toString());
        Instant time = now.isBefore(n.notBefore()) ? n.notBefore() : now;
        return new AssetEvent(n.eventId(), asset, partition, time.truncatedTo(ChronoUnit.MICROS), new Producer(Producer.Kind.S3_UPLOAD, uri),
                l.etag(), Optional.empty(), List.of(uri), metadata);
    }

    private void announce(AssetEvent e) {
        announcer.announce(EventJson.ASSET_UPDATED, EventJson.assetUpdated(e));
        store.events().markAnnounced(e.eventId());
    }

    /** Settled up to the settle window before now; the fingerprints of what was listed since, at most {@link #MAX_RECENT}. */
    private ListingCursor next(Observation.Listing o, Optional<ListingCursor> cursor, List<ObjectListing.Listed> listed, Instant now) {
        Instant settled = cursor.map(ListingCursor::settledBefore).orElse(Instant.EPOCH);
        Instant held = now.minus(SETTLE).truncatedTo(ChronoUnit.MILLIS);
        Instant base = held.isAfter(settled) ? held : settled;
        List<ObjectListing.Listed> unsettled = listed.stream().filter(l -> !l.lastModified().isBefore(base))
                .sorted(Comparator.comparing(ObjectListing.Listed::lastModified).reversed()).toList();
        Instant settledBefore = base;
        if (unsettled.size() > MAX_RECENT) {
            // Every listed object was handled; settling past some early costs only a late-listable one among them.
            Instant cut = unsettled.get(MAX_RECENT).lastModified().plusMillis(1);
            log.warn("more objects in the settle window than a cursor keeps: settled early", Map.of("source", o.source(),
                    "objects", unsettled.size(), "settledBefore", cut.toString()));
            settledBefore = cut;
            unsettled = unsettled.stream().filter(l -> !l.lastModified().isBefore(cut)).toList();
        }
        Set<String> fingerprints = new HashSet<>();
        unsettled.forEach(l -> fingerprints.add(fingerprint(l)));
        return new ListingCursor(settledBefore, fingerprints, cursor.map(ListingCursor::version).orElse(0L) + 1);
    }

    /** An object's key and content, in 12 hex digits: what the cursor remembers of an unsettled object. */
    static String fingerprint(ObjectListing.Listed l) {
        return Ids.hash(12, List.of(l.key(), l.etag()));
    }
}
