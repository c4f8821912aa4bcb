package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.ArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.events.EventBridgeClients;
import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.services.eventbridge.model.Rule;

class RulesSyncCliTest {

    private static final String ARN = "arn:aws:lambda:eu-central-1:123456789012:function:freshet-trigger";

    private static LocalEventBridge eventBridge;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private String bus;

    @BeforeAll
    static void start() {
        eventBridge = LocalEventBridge.start();
    }

    @AfterAll
    static void stop() {
        eventBridge.close();
    }

    @BeforeEach
    void freshBus() {
        bus = "bus-" + UUID.randomUUID();
    }

    /** The CLI as main runs it, with the production client factory pointed at the local server by --endpoint. */
    private int run(String... args) {
        out.reset();
        err.reset();
        return RulesSyncCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), EventBridgeClients::create);
    }

    private String[] args(Path pipelines, String... more) {
        List<String> all = new ArrayList<>(List.of("--pipelines", pipelines.toString(), "--bus", bus, "--prefix", "freshet",
                "--trigger-arn", ARN, "--endpoint", eventBridge.endpoint().toString()));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<String> ruleNames() {
        return eventBridge.client().listRules(r -> r.eventBusName(bus)).rules().stream().map(Rule::name).sorted().toList();
    }

    @Test
    void syncsAndPrintsTheReport() {
        assertEquals(0, run(args(TestPipelines.METRO)), err.toString(StandardCharsets.UTF_8));
        assertTrue(stdout().contains("created       freshet-core_trips"), stdout());
        assertTrue(stdout().contains("created       freshet-metro_snapshot"), stdout());
        assertTrue(stdout().endsWith(TestPipelines.METRO_PIPELINES.size() + " created, 0 updated, 0 deleted, 0 unchanged" + System.lineSeparator()), stdout());
        assertEquals(TestPipelines.metroRules("freshet"), ruleNames());

        assertEquals(0, run(args(TestPipelines.METRO)));
        assertTrue(stdout().contains("0 created, 0 updated, 0 deleted, " + TestPipelines.METRO_PIPELINES.size() + " unchanged"), stdout());
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() {
        assertEquals(0, run(args(TestPipelines.METRO, "--dry-run")));
        assertTrue(stdout().contains("would create  freshet-daily_ridership"), stdout());
        assertTrue(stdout().contains("would create  freshet-metro_snapshot"), stdout());
        assertTrue(stdout().contains("dry run, nothing changed: " + TestPipelines.METRO_PIPELINES.size() + " created"), stdout());
        assertEquals(List.of(), ruleNames());
    }

    @Test
    void invalidPipelinesExit1WithEveryError(@TempDir Path dir) {
        TestPipelines.copyMetro(dir);
        TestPipelines.edit(dir, "core_trips.yaml", "  - landing.taps ", "  - landing.tap ");
        assertEquals(1, run(args(dir)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown input asset 'landing.tap'"), err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), ruleNames());
    }

    @Test
    void badArgumentsExit2WithTheUsage() {
        assertEquals(2, run("--pipelines", "x"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: rules-sync"));
        assertEquals(2, run(args(TestPipelines.METRO, "--frobnicate")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument '--frobnicate'"));
        assertEquals(2, run("--bus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bus needs a value"));
    }

    @Test
    void anUnreachableEndpointExits2() {
        String[] a = args(TestPipelines.METRO);
        a[a.length - 1] = "http://127.0.0.1:1";
        assertEquals(2, run(a));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("rules-sync: listing rules freshet-*"), err.toString(StandardCharsets.UTF_8));
    }
}
