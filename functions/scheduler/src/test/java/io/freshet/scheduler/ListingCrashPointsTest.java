package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.JsonLog;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Observation;
import io.freshet.state.ListingCursor;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.CrashAfterWrites;
import io.freshet.testkit.MutableClock;
import io.freshet.testkit.ProjectFiles;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Crash points of a listing (docs/architecture.md, "Crash points"): the observation stops right
 * after each of its writes in turn (each event's record, partition state, asset newest, the
 * announcement, its mark, and the cursor; found by a clean run, so a write added later is swept
 * too), is retried, and ends as the clean run: the same events, each recorded once and announced,
 * the same cursor; a third observation records and announces nothing.
 */
class ListingCrashPointsTest {

    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    /** Three objects to list, the same for every observation. */
    @RegisterExtension
    static final ListingBucket LAKE = new ListingBucket("crash-lake", Map.of("drops/date=2026-11-20/a.csv", "id\na\n",
            "drops/date=2026-11-20/b.csv", "id\nb\n", "drops/date=2026-11-20/c.csv", "id\nc\n"));

    @TempDir
    Path tmp;

    /** What a table ends with: the events (id, announced), the cursor's fingerprints and where it settled. */
    record End(List<String> events, List<Boolean> announced, Set<String> recent, Instant settled) {
    }

    Project project() {
        Path dir = tmp.resolve("p-" + UUID.randomUUID());
        ProjectFiles.copy(Path.of("src/test/resources/listing-project"), dir);
        return ProjectLoader.load(dir).orThrow();
    }

    private int observeOnce(Project project, CrashAfterWrites crash, String table, List<String> announced) {
        try (DynamoDbClient db = crash.dynamo(TickWorld.dynamo().endpoint())) {
            DynamoStateStore store = new DynamoStateStore(db, table, new MutableClock(NOW));
            ListingObserver observer = new ListingObserver(project, Map.of("LakeBucket", LAKE.name()), store,
                    new ObjectListing(Optional.of(LAKE.client())), (type, json) -> {
                        announced.add(json);
                        crash.wrote("PutEvents");
                    }, new JsonLog(new PrintStream(PrintStream.nullOutputStream()), new MutableClock(NOW), Map.of()));
            Observation.Listing drops = (Observation.Listing) project.observations().stream().filter(o -> o.source().equals("landing.drops"))
                    .findFirst().orElseThrow();
            return observer.observe(drops, NOW);
        }
    }

    static End end(String table) {
        DynamoStateStore store = new DynamoStateStore(TickWorld.dynamo().client(), table, new MutableClock(NOW));
        List<AssetEvent> history = store.events().history("landing.drops", "2026-11-20");
        ListingCursor cursor = store.listings().cursor("landing.drops").orElseThrow();
        return new End(history.stream().map(AssetEvent::eventId).sorted().toList(),
                history.stream().map(e -> store.events().stored(e.eventId()).orElseThrow().announced()).toList(), cursor.recent(),
                cursor.settledBefore());
    }

    static String table() {
        String table = "listing-" + UUID.randomUUID();
        DynamoStateStore.createTable(TickWorld.dynamo().client(), table);
        return table;
    }

    @Test
    void aCrashRightAfterEachWriteThenARetryEndsAsACleanRun() {
        Project project = project();
        CrashAfterWrites clean = new CrashAfterWrites(0);
        String cleanTable = table();
        List<String> cleanAnnounced = new CopyOnWriteArrayList<>();
        assertEquals(3, observeOnce(project, clean, cleanTable, cleanAnnounced));
        End expected = end(cleanTable);
        assertEquals(3, expected.events().size());
        assertEquals("PutItem", clean.writes().getLast(), "the cursor is written last: " + clean.writes());
        // Per object: the record (and the partition state and newest when they move), the announcement, its mark; then the cursor.
        assertTrue(clean.writes().size() >= 3 * 3 + 1, clean.writes().toString());
        for (int point = 1; point <= clean.writes().size(); point++) {
            String table = table();
            CrashAfterWrites crash = new CrashAfterWrites(point);
            String where = "after write " + point + " (" + clean.writes().get(point - 1) + ")";
            List<String> announced = new CopyOnWriteArrayList<>();
            assertThrows(IllegalStateException.class, () -> observeOnce(project, crash, table, announced), where);
            int beforeRetry = announced.size();
            observeOnce(project, new CrashAfterWrites(0), table, announced);
            assertEquals(expected, end(table), where);
            assertTrue(announced.stream().distinct().count() <= 3 && announced.size() - beforeRetry <= 3, where + ": " + announced);
            int again = announced.size();
            assertEquals(0, observeOnce(project, new CrashAfterWrites(0), table, announced), where + ": a third observation records nothing");
            assertEquals(again, announced.size(), where + ": and announces nothing");
        }
    }
}
