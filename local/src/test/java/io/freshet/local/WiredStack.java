package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.freshet.core.runs.Run;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.testkit.MutableClock;

/**
 * What the end-to-end tests of one feature on the embedded stack share: a repository of the
 * pipeline files the test writes beside this repository's template.yaml, started as
 * {@code freshet up} starts it, on a clock the test moves, with the few looks every such test
 * takes (a pipeline's runs, the dead letters). Each test keeps its pipelines and what it checks.
 *
 * @param stack the embedded stack, wired from template.yaml
 * @param clock the stack's clock
 */
record WiredStack(EmbeddedStack stack, MutableClock clock) implements AutoCloseable {

    /** How long a tick's work (runs, publications) may take to settle before a test looks. */
    static final Duration SETTLE = Duration.ofMinutes(2);

    /**
     * Starts a stack on {@code pipelines} (file name -> YAML) at {@code start}, in {@code tmp}.
     *
     * @param postgres whether the stack serves the pipelines' PostgreSQL connections (an observed or snapshot source)
     */
    static WiredStack start(Path tmp, Instant start, boolean postgres, Map<String, String> pipelines) throws IOException {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("pipelines"));
        Files.copy(Path.of("../template.yaml"), repo.resolve("template.yaml"));
        for (Map.Entry<String, String> file : pipelines.entrySet()) {
            Files.writeString(repo.resolve("pipelines").resolve(file.getKey()), file.getValue());
        }
        MutableClock clock = new MutableClock(start);
        return new WiredStack(EmbeddedStack.start(new EmbeddedStack.Options(repo, tmp.resolve("state"), clock, postgres)), clock);
    }

    /** Moves the clock by {@code advance}, ticks as EventBridge Scheduler would, and waits for what the tick started. */
    void tick(Duration advance) {
        clock.advance(advance);
        stack.tick();
        stack.settle(SETTLE);
    }

    /** {@code pipeline}'s runs, oldest first. */
    List<Run> runs(String pipeline) {
        return stack.store().runs().of(pipeline).stream().sorted(Comparator.comparing(Run::createdAt)).toList();
    }

    /** Nothing any rule failed to deliver, on any queue. */
    void assertNoDeadLetters() {
        assertEquals(List.of(), stack.deadLetters().values().stream().flatMap(List::stream).toList());
    }

    @Override
    public void close() {
        stack.close();
    }
}
