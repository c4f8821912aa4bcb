package io.freshet.emit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.PartitionContent;
import io.freshet.core.events.Producer;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.Project;
import io.freshet.core.location.InvalidPartitionException;
import io.freshet.core.location.KeyMatch;
import io.freshet.core.location.KeyMatcher;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.model.Source;
import io.freshet.state.Recorded;
import io.freshet.state.StateStore;

/**
 * Accepts or rejects announcements of source updates (docs/producers.md). Everything is checked
 * before anything is recorded: the asset is an S3 source, the caller is among its
 * {@code allowed_producers}, each object lies under its location (matched as s3-events matches
 * notifications), in the announced partition, is data by the source's file rules, and exists
 * (HeadObject). Then each object becomes an asset event exactly as its S3 notification would:
 * recorded once ({@code EventLog.record}) and announced as {@code Asset Updated}.
 *
 * <p>One write, one event, whichever way it arrives: on a versioned bucket the id is derived from
 * the object's version ({@link Ids#objectVersion}), as s3-events derives it; and an object whose
 * key's current recorded version is the announced one is already recorded (a notification came
 * first, or this is a repeated announcement) and is only re-announced if that never happened.
 */
public final class EmitService {

    /** Metadata keys the event itself sets: a producer may not overwrite them. */
    static final Set<String> RESERVED = Set.of(S3Change.SEQUENCER, S3Change.VERSION_ID, S3Change.REMOVED, S3Change.REMOVAL,
            S3Change.COMPLETES, "bytes", "etag", EmitService.ANNOUNCED_BY);
    /** The metadata key naming who announced the object. */
    public static final String ANNOUNCED_BY = "announcedBy";

    /** One object of an accepted announcement: its event, and whether this announcement recorded it. */
    public record Accepted(String object, String eventId, String partition, boolean recordedNow) {
    }

    private record Checked(KeyMatch match, ObjectHead head) {
    }

    private final Map<String, Source.S3> sources = new HashMap<>();
    private final Map<String, KeyMatcher> matchers = new HashMap<>();
    private final Map<String, LocationPattern> locations = new HashMap<>();
    private final Project project;
    private final ObjectHeads heads;
    private final StateStore store;
    private final Announcer announcer;
    private final JsonLog log;

    public EmitService(Project project, StackParameters parameters, ObjectHeads heads, StateStore store, Announcer announcer, JsonLog log) {
        for (Source s : project.sources()) {
            if (s instanceof Source.S3 s3) {
                LocationPattern resolved = parameters.resolve(s3.location());
                sources.put(s3.name(), s3);
                locations.put(s3.name(), resolved);
                matchers.put(s3.name(), KeyMatcher.builder().add(s3.name(), resolved).build());
            }
        }
        this.project = project;
        this.heads = heads;
        this.store = store;
        this.announcer = announcer;
        this.log = log;
    }

    /**
     * Checks the whole announcement, then records and announces each object once.
     *
     * @throws AnnouncementRejectedException before anything is recorded, with the reason
     */
    public List<Accepted> accept(Announcement a) {
        Source.S3 source = source(a.asset());
        allowed(source, a.caller());
        for (String key : a.metadata().keySet()) {
            if (RESERVED.contains(key)) {
                throw rejected(AnnouncementRejectedException.MALFORMED, "metadata '" + key + "' is set by Freshet itself; name it otherwise");
            }
        }
        List<Checked> checked = new ArrayList<>();
        for (String uri : a.objects()) {
            checked.add(check(source, a, uri));
        }
        List<Accepted> out = new ArrayList<>();
        for (Checked c : checked) {
            out.add(record(c, a));
        }
        return out;
    }

    private Source.S3 source(String asset) {
        Source.S3 source = sources.get(asset);
        if (source != null) {
            return source;
        }
        if (project.source(asset).isPresent()) {
            throw rejected(AnnouncementRejectedException.UNACCEPTABLE, "'" + asset + "' is a PostgreSQL source: its snapshot pipeline reads it");
        }
        boolean derived = project.pipelines().stream().anyMatch(p -> p.outputs().stream().anyMatch(o -> o.asset().equals(asset)));
        throw rejected(derived ? AnnouncementRejectedException.UNACCEPTABLE : AnnouncementRejectedException.UNKNOWN_ASSET,
                derived ? "'" + asset + "' is written by a pipeline, not a source: only its runs announce it"
                        : "no source '" + asset + "' in the project");
    }

    private static void allowed(Source.S3 source, Announcement.Caller caller) {
        if (source.allowedProducers().isEmpty()) {
            throw rejected(AnnouncementRejectedException.NOT_ALLOWED, "source '" + source.name()
                    + "' declares no allowed_producers: it accepts no announcements");
        }
        boolean ok = switch (caller) {
            case Announcement.Principal p -> source.allowedProducers().allows(p.arn());
            case Announcement.Account acct -> source.allowedProducers().allowsAccount(acct.id());
        };
        if (!ok) {
            throw rejected(AnnouncementRejectedException.NOT_ALLOWED, caller.name() + " is not among the allowed_producers of '"
                    + source.name() + "'");
        }
    }

    private Checked check(Source.S3 source, Announcement a, String uri) {
        if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 6 || uri.endsWith("/")) {
            throw rejected(AnnouncementRejectedException.MALFORMED, "'" + uri + "' is not an object URI s3://bucket/key");
        }
        String bucket = uri.substring(5, uri.indexOf('/', 5));
        String key = uri.substring(bucket.length() + 6);
        LocationPattern location = locations.get(source.name());
        List<KeyMatch> matches;
        try {
            matches = matchers.get(source.name()).match(bucket, key);
        } catch (InvalidPartitionException e) {
            throw rejected(AnnouncementRejectedException.UNACCEPTABLE, uri + ": " + e.getMessage());
        }
        if (matches.isEmpty()) {
            throw rejected(AnnouncementRejectedException.UNACCEPTABLE, uri + " is not under the location of '" + source.name()
                    + "' (" + location + ")");
        }
        KeyMatch match = matches.get(0);
        if (a.partition().isPresent() && !a.partition().get().equals(match.partitionKey())) {
            throw rejected(AnnouncementRejectedException.UNACCEPTABLE, uri + " lies in partition '" + match.partitionKey()
                    + "', not the announced '" + a.partition().get() + "'");
        }
        Optional<String> ignored = source.files().ignoredBecause(location, key, OptionalLong.empty());
        if (ignored.isPresent()) {
            throw rejected(AnnouncementRejectedException.UNACCEPTABLE, uri + " is not data of '" + source.name() + "': " + ignored.get());
        }
        if (source.files().completeWhen().isPresent()) {
            throw rejected(AnnouncementRejectedException.UNACCEPTABLE, "source '" + source.name()
                    + "' completes its partitions with a marker (complete_when): write the marker, announcements are not taken");
        }
        ObjectHead head = heads.head(bucket, key).orElseThrow(() -> rejected(AnnouncementRejectedException.UNACCEPTABLE,
                uri + " does not exist (HeadObject found no current version)"));
        if (head.size() == 0) {
            throw rejected(AnnouncementRejectedException.UNACCEPTABLE, uri + " is empty (0 bytes): not data");
        }
        return new Checked(match, head);
    }

    private Accepted record(Checked c, Announcement a) {
        ObjectHead head = c.head();
        String asset = c.match().asset();
        String partition = c.match().partitionKey();
        List<AssetEvent> keyHistory = store.events().history(asset, partition).stream()
                .filter(e -> S3Change.objectOf(e).filter(head.uri()::equals).isPresent()).toList();
        Optional<AssetEvent> current = PartitionContent.live(keyHistory, Instant.MAX).stream().findFirst();
        if (current.isPresent() && current.get().dataVersion().equals(head.dataVersion())) {
            // Recorded already (its notification, or this announcement before); finished unless a crash stopped that.
            if (store.events().finishUnannounced(current.get())) {
                announce(current.get());
            }
            log.info("announced object already recorded", Map.of("asset", asset, "eventId", current.get().eventId(), "object", head.uri()));
            return new Accepted(head.uri(), current.get().eventId(), partition, false);
        }
        AssetEvent e = event(head, c.match(), a, keyHistory);
        Recorded r = store.events().record(e);
        if (r.leftToAnnounce()) {
            // Announce what is recorded: the trigger accepts an Asset Updated only as its recorded event,
            // which is another's when the notification of this version recorded it first.
            announce(store.events().recordedAs(e, r));
        }
        log.info("asset updated: announced by its producer", Map.of("asset", asset, "partition", partition, "eventId", e.eventId(),
                "object", head.uri(), "caller", a.caller().name()));
        return new Accepted(head.uri(), e.eventId(), partition, r.isNew());
    }

    private void announce(AssetEvent e) {
        announcer.announce(EventJson.ASSET_UPDATED, EventJson.assetUpdated(e));
        store.events().markAnnounced(e.eventId());
    }

    /**
     * The event a notification of this write would record, but for the sequencer, which only S3's
     * notification knows: a stand-in that sorts after every change of the key recorded so far
     * (the fold orders one key's changes by sequencer; an announcement is the newest change).
     */
    private static AssetEvent event(ObjectHead h, KeyMatch m, Announcement a, List<AssetEvent> keyHistory) {
        String newest = keyHistory.stream().map(e -> e.metadata().getOrDefault(S3Change.SEQUENCER, ""))
                .max((x, y) -> S3Change.sortableSequencer(x).compareTo(S3Change.sortableSequencer(y))).orElse("");
        Map<String, String> metadata = new LinkedHashMap<>(a.metadata());
        metadata.put(S3Change.SEQUENCER, newest.isEmpty() ? "0" : newest + "1");
        h.versionId().ifPresent(v -> metadata.put(S3Change.VERSION_ID, v));
        metadata.put("bytes", Long.toString(h.size()));
        metadata.put("etag", h.etag());
        metadata.put(ANNOUNCED_BY, a.caller().name());
        String id = h.versionId().map(v -> Ids.objectVersion(h.bucket(), h.key(), v, m.asset()))
                .orElse(Ids.s3Event(h.bucket(), h.key(), h.etag(), "announced@" + h.lastModified() + "#" + m.asset()));
        return new AssetEvent(id, m.asset(), m.partitionKey(), h.lastModified(), new Producer(Producer.Kind.S3_UPLOAD, h.uri()),
                h.dataVersion(), Optional.empty(), List.of(h.uri()), metadata);
    }

    private static AnnouncementRejectedException rejected(int status, String reason) {
        return new AnnouncementRejectedException(status, reason);
    }
}
