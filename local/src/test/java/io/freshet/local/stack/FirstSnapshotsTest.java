package io.freshet.local.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Schedule;
import io.freshet.core.schedule.CronTicks;

/** Which fire {@code freshet up} plays for the metro's nightly snapshot (01:00 Prague), at each hour of the day. */
class FirstSnapshotsTest {

    static final Project METRO = ProjectLoader.load(Path.of("../pipelines")).orThrow();
    static final Pipeline SNAPSHOT = METRO.pipeline("metro_snapshot").orElseThrow();
    static final Schedule SCHEDULE = SNAPSHOT.trigger().flatMap(t -> t.schedule()).orElseThrow();

    static String partitionPlayedAt(String now) {
        Optional<Instant> fire = FirstSnapshots.playableFire(SNAPSHOT, SCHEDULE, Instant.parse(now));
        return fire.flatMap(f -> CronTicks.partitionOf(SNAPSHOT, f)).orElseThrow();
    }

    @Test
    void afterTheNightlyFireItIsThatFire() {
        assertEquals("2026-12-02", partitionPlayedAt("2026-12-03T11:00:00Z"), "noon in Prague: the 01:00 fire's yesterday");
        assertEquals(Instant.parse("2026-12-03T00:00:00Z"), FirstSnapshots.playableFire(SNAPSHOT, SCHEDULE,
                Instant.parse("2026-12-03T11:00:00Z")).orElseThrow());
    }

    @Test
    void betweenMidnightAndTheFireItIsTheNextFireWhosePartitionIsTheNewestComplete() {
        // 00:18 in Prague on 4 December: the last fire (3 December 01:00) ran 2 December, which is
        // no longer the newest complete day, so a full snapshot would refuse it as a past date.
        assertEquals("2026-12-03", partitionPlayedAt("2026-12-03T23:18:00Z"));
        assertEquals(Instant.parse("2026-12-04T00:00:00Z"), FirstSnapshots.playableFire(SNAPSHOT, SCHEDULE,
                Instant.parse("2026-12-03T23:18:00Z")).orElseThrow());
    }
}
