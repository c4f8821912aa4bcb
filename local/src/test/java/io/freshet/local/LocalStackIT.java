package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

import io.freshet.local.demo.Demo;

/**
 * The demo's story ({@code freshet demo}, see DemoTest) end to end against LocalStack instead of
 * the in-process stand-ins: DynamoDB, S3 with EventBridge notifications, EventBridge rules with
 * their patterns, input paths and input transformers, and SQS are LocalStack's; the functions run
 * in this JVM, fed from SQS queues ({@link LocalStackDemoStack}).
 *
 * <p>Which LocalStack ({@link LocalStackTarget}): the one at {@code FRESHET_LOCALSTACK_ENDPOINT}
 * when set (CI starts one without Docker, {@code scripts/localstack-host.sh}; the test fails if it
 * does not answer), else a container through Testcontainers when Docker is there, else the test
 * is skipped, saying so. Every run names its resources afresh ({@code freshet-<run>-...}), so a
 * LocalStack that served earlier runs serves this one unchanged.
 *
 * <p>Run it with {@code ./mvnw verify -pl local -am -Dit.test=LocalStackIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false} (docs/local.md). The container image is pinned to the
 * last LocalStack release that starts without an account; to use a newer one, set
 * {@code -Dfreshet.localstack.image=localstack/localstack:<tag>} and export
 * {@code LOCALSTACK_AUTH_TOKEN}, which is passed on to the container.
 */
class LocalStackIT {

    static final String IMAGE = System.getProperty("freshet.localstack.image", "localstack/localstack:4.14.0");

    @TempDir
    Path state;

    @Test
    void theDemoStoryRunsOnLocalStack() {
        try (LocalStackTarget localStack = LocalStackTarget.choose(System.getenv(),
                () -> DockerClientFactory.instance().isDockerAvailable(), IMAGE)) {
            StringWriter text = new StringWriter();
            int code = new Demo(new PrintWriter(text, true), state,
                    LocalStackDemoStack.factory(localStack.description(), localStack.endpoint(), Path.of(".."), state)).run();
            String out = text.toString();
            System.out.println(out); // the story, in the failsafe report
            assertEquals(0, code, out);
            assertTrue(out.contains("on " + localStack.description()), out);
            assertTrue(out.contains("tick: metro_snapshot's cron (0 1 * * ? * Europe/Prague) fires"), out);
            assertTrue(out.matches("(?s).*run metro_snapshot/\\S+ SUCCEEDED: raw.stations 25 rows, checks 4/4.*"), out);
            assertTrue(out.matches("(?s).*run core_network/\\S+ SUCCEEDED.*why: condition raw.routes & raw.route_stations & raw.stations held.*"), out);
            assertTrue(out.matches("(?s).*run core_trips/\\S+ SUCCEEDED: core.trips \\d+ rows, checks 5/5.*"), out);
            assertTrue(out.matches("(?s).*run daily_ridership/\\S+ SUCCEEDED.*why: freshness: to stay fresh by cron\\(0 9 \\* \\* \\? \\*\\).*"), out);
            assertTrue(out.contains("mart.daily_ridership   derived"), out);
            assertTrue(out.contains("The story completed in"), out);
        }
    }
}
