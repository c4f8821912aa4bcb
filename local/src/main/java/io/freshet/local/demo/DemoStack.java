package io.freshet.local.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.freshet.core.load.Project;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;

/**
 * What the demo's story needs from a running Freshet stack: the functions as template.yaml wires
 * them, on the demo's simulated clock. {@code freshet demo} runs it on the embedded stack
 * ({@link EmbeddedDemoStack}); an integration test runs the same story against LocalStack.
 */
public interface DemoStack extends AutoCloseable {

    /** Starts a stack whose functions read the given (simulated) clock. */
    interface Factory {
        /** What the stack is, for the demo's first line: "on {@code kind}." */
        String kind();

        DemoStack start(Clock clock);
    }

    /** What is up, for the demo's "stack up: ..." line. */
    String summary();

    Project project();

    StateStore store();

    ScheduleState schedulerStore();

    /** Creates and fills the metro database that {@code metro.db} names, with a day of taps on {@code day}. */
    void seedMetro(LocalDate day);

    /** Runs SQL on the metro database as its operators would (an edit the tick's observation sees). */
    void updateMetro(String sql);

    String lakeBucket();

    /** Writes an object to the lake as any client would; the stack turns it into an S3 {@code Object Created}. */
    void putObject(String key, String content);

    /** One invocation of every schedule's function (the minute tick), at the clock's minute. */
    void tick();

    /** Waits until every event sent so far has been delivered and handled. */
    void settle(Duration timeout);

    /** Every event put on Freshet's bus so far, as EventBridge envelopes (JSON), oldest first. */
    List<String> busEvents();

    /** What each dead-letter queue holds, by queue. */
    Map<String, List<String>> deadLetters();

    @Override
    void close();
}
