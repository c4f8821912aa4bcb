package io.freshet.s3events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.ListedObjects;
import io.freshet.core.events.Producer;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.Project;
import io.freshet.core.location.KeyMatch;
import io.freshet.core.model.Observation;
import io.freshet.state.Recorded;
import io.freshet.state.StateStore;

/**
 * Uploads to a source the tick also observes by listing ({@code observe: {list: true}}): the
 * notification records the write with the id the listing gives it ({@link ListedObjects}: its
 * content, chained on the key's previous change, never S3's sequencer, which no listing returns),
 * so one write records once whichever of the two sees it first. The price is one Query of the
 * key's partition history per notification, for these sources only.
 */
final class ListedUploads {

    private final Set<String> listed;
    private final StateStore store;

    ListedUploads(Project project, StateStore store) {
        this.listed = project.observations().stream().filter(o -> o instanceof Observation.Listing).map(Observation::source)
                .collect(Collectors.toUnmodifiableSet());
        this.store = store;
    }

    boolean isListed(String asset) {
        return listed.contains(asset);
    }

    /**
     * Records the upload unless the key's current recorded content is its own; the event to
     * announce (the recorded one, which is the listing's when it came first), or empty when it
     * was recorded and announced already.
     */
    Optional<AssetEvent> record(ObjectCreated c, KeyMatch m) {
        List<AssetEvent> history = store.events().history(m.asset(), m.partitionKey());
        return switch (ListedObjects.place(m.asset(), c.bucket(), c.key(), c.etag(), history)) {
            case ListedObjects.Recorded r -> store.events().finishUnannounced(r.event()) ? Optional.of(r.event()) : Optional.empty();
            case ListedObjects.New n -> {
                AssetEvent e = event(c, m, n);
                Recorded r = store.events().record(e);
                yield r.leftToAnnounce() ? Optional.of(store.events().recordedAs(e, r)) : Optional.empty();
            }
        };
    }

    /** The event of the upload as s3-events writes one, with the listing's id; S3's own sequencer orders it. */
    private static AssetEvent event(ObjectCreated c, KeyMatch m, ListedObjects.New n) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(S3Change.SEQUENCER, c.sequencer());
        c.versionId().ifPresent(v -> metadata.put(S3Change.VERSION_ID, v));
        metadata.put("bytes", Long.toString(c.size()));
        metadata.put(ListedObjects.ETAG, c.etag());
        Instant time = c.time().isBefore(n.notBefore()) ? n.notBefore() : c.time();
        return new AssetEvent(n.eventId(), m.asset(), m.partitionKey(), time, new Producer(Producer.Kind.S3_UPLOAD, c.uri()),
                c.etag(), Optional.empty(), List.of(c.uri()), metadata);
    }
}
