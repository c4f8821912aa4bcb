package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

/**
 * The crash-point sweep over one story of a {@link CrashWorld}: a run of the story without a
 * crash records every write a function makes in it (the crash points, not listed by hand, so a
 * write added to a function is swept too); then, for each point, the story again, the function
 * killed right after that write, the stack left to recover by itself, and the end state checked.
 *
 * @param story   plays one story (a new day each time) and names it for {@code expected}
 * @param recover what the stack does by itself after a crash: redeliveries, ticks as time passes
 */
record CrashSweep(CrashWorld world, Supplier<String> story, Runnable recover) {

    /** What a story must end as, whatever crashed. */
    interface EndState {
        void check(String story, String context);
    }

    /** One test per write {@code function} makes in the story; {@code arrange} adds to each story (a kill at a named point). */
    Stream<DynamicTest> sweep(String function, Runnable arrange, EndState expected) {
        List<CrashInterceptor.Point> points = baseline(function, arrange, expected);
        return points.stream().map(point -> DynamicTest.dynamicTest(point.toString(), () -> {
            prepare(arrange);
            world.crashes.plan(point);
            String s = story.get();
            recover.run();
            assertNotNull(world.crashes.fired(), "the crash point was reached: " + point);
            expected.check(s, point.toString());
        }));
    }

    private List<CrashInterceptor.Point> baseline(String function, Runnable arrange, EndState expected) {
        prepare(arrange);
        String s = story.get();
        recover.run();
        expected.check(s, "no crash");
        List<CrashInterceptor.Point> points = world.crashes.points(function);
        assertFalse(points.isEmpty(), function + " made no write in the story");
        points.forEach(p -> System.out.println("crash point: " + p)); // the list docs/architecture.md shows
        return points;
    }

    private void prepare(Runnable arrange) {
        world.crashes.reset();
        world.restartTickCount();
        arrange.run();
    }
}
