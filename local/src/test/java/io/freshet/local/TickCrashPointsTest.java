package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-point sweep of the tick's own decisions, which {@link CrashPointsTest}'s story does
 * not reach ({@link TickDay}: a cron fire, a lazy launch for a freshness deadline, a source's
 * violation raised and, the next evening, recovered), and of its first sight of a deployment (the
 * pipelines' code versions, the cron's cursor). The tick is killed right after each write it
 * makes; the following ticks, a minute apart as EventBridge Scheduler calls them, end the day as
 * a tick that never died does.
 */
class TickCrashPointsTest {

    /** When the stack is deployed: its first tick. */
    static final Instant DEPLOYED = Instant.parse("2026-05-01T19:00:00Z");
    static final LocalDate BEFORE_THE_FIRST_DAY = LocalDate.parse("2026-04-30");

    @TempDir
    static Path tmp;
    static TickDay days;
    static CrashWorld world;
    private static final AtomicInteger STACKS = new AtomicInteger();

    @BeforeAll
    static void start() {
        days = TickDay.deploy(DEPLOYED, tmp.resolve("sweep"), BEFORE_THE_FIRST_DAY);
        world = days.world();
        world.tick(); // the first sight of the pipelines (swept by firstSight)
        days.play(); // a day without crashes, so that every swept day begins with the source overdue
        days.recover();
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @TestFactory
    Stream<DynamicTest> scheduler() {
        return new CrashSweep(world, days::play, days::recover).sweep("scheduler", () -> { }, days::assertEndedAsWithoutACrash);
    }

    /**
     * The first tick after a deployment, killed after each of its writes (a new stack for each):
     * the next tick, a minute later, finishes what it began, and the first day then goes as it
     * goes after a first tick that did not die.
     */
    @TestFactory
    Stream<DynamicTest> firstSight() {
        List<CrashInterceptor.Point> points;
        TickDay clean = newStack();
        try (CrashWorld fresh = clean.world()) {
            fresh.tick();
            points = fresh.crashes.points("scheduler");
            points.forEach(p -> System.out.println("crash point: " + p)); // the list docs/architecture.md shows
            firstDay(clean, "no crash");
        }
        assertFalse(points.isEmpty(), "the first tick made no write");
        return points.stream().map(point -> DynamicTest.dynamicTest(point.toString(), () -> {
            TickDay crashed = newStack();
            try (CrashWorld fresh = crashed.world()) {
                fresh.crashes.plan(point);
                fresh.tick();
                assertNotNull(fresh.crashes.fired(), "the crash point was reached: " + point);
                fresh.clock.advance(Duration.ofMinutes(1));
                fresh.tick();
                firstDay(crashed, point.toString());
            }
        }));
    }

    private static TickDay newStack() {
        return TickDay.deploy(DEPLOYED, tmp.resolve("first-" + STACKS.incrementAndGet()), BEFORE_THE_FIRST_DAY);
    }

    private static void firstDay(TickDay first, String context) {
        String d = first.play();
        first.recover();
        first.assertEndedAsWithoutACrash(d, context);
    }
}
