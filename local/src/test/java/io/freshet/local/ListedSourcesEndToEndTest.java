package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.local.stack.TemplateWiring;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eventbridge.model.RuleState;

/**
 * An S3 source observed by listing on the embedded stack, wired from template.yaml: with the lake
 * bucket's notifications to s3-events switched off, three files are three events and one consumer
 * run within the tick that lists them, the next tick nothing, a fourth file one event and one run
 * (its notification delivered late records nothing); with them on again, a file seen by its
 * notification and then by the listing is one event.
 */
class ListedSourcesEndToEndTest {

    @TempDir
    Path tmp;

    static final String SOURCES = """
            sources:
              landing.drops:
                s3: s3://${LakeBucket}/partner/drops/date={date}/*.csv
                format: csv
                observe: { list: true, every: 1m }
            """;

    static final String DROPS_ON_ARRIVAL = "drops_on_arrival";

    static final String CONSUMER = """
            pipeline: drops_on_arrival
            inputs: [landing.drops]
            partitions: daily
            outputs:
              raw.drops: s3://${LakeBucket}/raw/drops/date={date}/
            trigger:
              condition: landing.drops
            retries: 0
            steps:
              - sql:
                  output: raw.drops
                  query: SELECT * FROM landing.drops
            """;

    /** The consumer's runs that built something: one event of raw.drops each (a run whose inputs a previous one had read is skipped). */
    static int built(WiredStack w) {
        List<Run> runs = w.runs(DROPS_ON_ARRIVAL);
        assertTrue(runs.stream().allMatch(r -> r.state() == RunState.SUCCEEDED || r.state() == RunState.SKIPPED), runs.toString());
        return w.stack().store().events().history("raw.drops", "2026-11-20").size();
    }

    static void put(EmbeddedStack stack, String name, String body) {
        stack.s3().client().putObject(b -> b.bucket(stack.lakeBucket()).key("partner/drops/date=2026-11-20/" + name),
                RequestBody.fromString(body));
    }

    /** Switches the rule that brings the lake bucket's notifications to s3-events: files then land as if written unnoticed. */
    static void notifications(EmbeddedStack stack, boolean on) {
        TemplateWiring.Rule r = stack.wiring().rules().stream().filter(x -> x.function().equals("S3EventsFunction")).findFirst().orElseThrow();
        stack.bus().client().putRule(b -> b.name(r.name()).eventBusName(r.bus()).eventPattern(r.pattern())
                .state(on ? RuleState.ENABLED : RuleState.DISABLED));
    }

    @Test
    void listedFilesRunTheConsumerWithinTheTickAndANotifiedFileListedAgainIsOneEvent() throws Exception {
        try (WiredStack w = WiredStack.start(tmp, Instant.parse("2026-11-20T10:00:00Z"), false,
                Map.of("sources.yaml", SOURCES, "drops.yaml", CONSUMER))) {
            EmbeddedStack stack = w.stack();
            notifications(stack, false);
            put(stack, "a.csv", "id\n1\n");
            put(stack, "b.csv", "id\n2\n");
            put(stack, "c.csv", "id\n3\n");
            stack.settle(Duration.ofMinutes(1));
            assertEquals(0, stack.store().events().history("landing.drops", "2026-11-20").size(), "no notification reached s3-events");

            w.tick(Duration.ofMinutes(1));
            assertEquals(3, stack.store().events().history("landing.drops", "2026-11-20").size(), "three listed files, three events");
            assertEquals(1, built(w), "the consumer ran within the tick");
            int runs = w.runs(DROPS_ON_ARRIVAL).size();

            w.tick(Duration.ofMinutes(1));
            assertEquals(3, stack.store().events().history("landing.drops", "2026-11-20").size(), "nothing new");
            assertEquals(runs, w.runs(DROPS_ON_ARRIVAL).size(), "nothing ran");

            put(stack, "d.csv", "id\n4\n");
            w.tick(Duration.ofMinutes(1));
            assertEquals(4, stack.store().events().history("landing.drops", "2026-11-20").size(), "the fourth file, once");
            assertEquals(2, built(w));
            assertEquals(runs + 1, w.runs(DROPS_ON_ARRIVAL).size(), "one run for one file");
            String late = stack.bus().events("default").stream().filter(e -> e.contains("Object Created") && e.contains("d.csv"))
                    .findFirst().orElseThrow();
            stack.invoke("S3EventsFunction", late); // the fourth file's notification, after the listing recorded it
            stack.settle(Duration.ofMinutes(1));
            assertEquals(4, stack.store().events().history("landing.drops", "2026-11-20").size(), "listed, then notified: one event");
            assertEquals(runs + 1, w.runs(DROPS_ON_ARRIVAL).size());

            notifications(stack, true);
            put(stack, "e.csv", "id\n5\n");
            stack.settle(Duration.ofMinutes(2));
            List<AssetEvent> notified = stack.store().events().history("landing.drops", "2026-11-20");
            assertEquals(5, notified.size(), "its notification recorded it");
            assertEquals(3, built(w));
            w.tick(Duration.ofMinutes(1));
            List<AssetEvent> listed = stack.store().events().history("landing.drops", "2026-11-20");
            assertEquals(notified.stream().map(AssetEvent::eventId).toList(), listed.stream().map(AssetEvent::eventId).toList(),
                    "listed after its notification: the same event, not a second");
            assertEquals(runs + 2, w.runs(DROPS_ON_ARRIVAL).size(), "and no run for it");
            assertEquals(3, built(w));
            w.assertNoDeadLetters();
        }
    }
}
