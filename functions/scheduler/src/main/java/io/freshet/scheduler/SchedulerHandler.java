package io.freshet.scheduler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.aws.priming.Priming;
import io.freshet.aws.s3.S3Clients;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.core.model.Observation;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The scheduler function: EventBridge Scheduler invokes it every minute with
 * {@code {"scheduledTime": "<aws.scheduler.scheduled-time>"}}. The tick itself goes by the clock
 * (its windows make late and repeated ticks harmless); the scheduled time only shows how late it is.
 */
public final class SchedulerHandler implements RequestStreamHandler {

    private final SchedulerService service;
    private final JsonLog log;

    /** For Lambda: everything from the environment, built once per cold start, then primed. */
    public SchedulerHandler() {
        this(CommonSettings.processEnvironment(), Clock.systemUTC());
        prime(CommonSettings.processEnvironment());
    }

    /** Everything from an environment as template.yaml sets it (the local stack passes its own). */
    public SchedulerHandler(Map<String, String> env, Clock clock) {
        this(Config.from(env), env, new DynamoStateStore(DynamoClients.create(Config.from(env).dynamoEndpoint(), env), Config.from(env).table(), clock),
                clock, JsonLog.forFunction("scheduler", env, clock));
    }

    private SchedulerHandler(Config config, Map<String, String> env, StateStore store, Clock clock, JsonLog log) {
        this(config, env, config.project(), store, clock, log);
    }

    private SchedulerHandler(Config config, Map<String, String> env, Project project, StateStore store, Clock clock, JsonLog log) {
        this(new SchedulerService(project, store, PublishingAnnouncer.create(config), log, clock, CommonSettings.STACK.read(env),
                credentials(env), listingAccess(project, config, env)), log);
    }

    /** An S3 client only when some source is observed by listing (most stacks need none at cold start), and the lake bucket. */
    static ListingAccess listingAccess(Project project, Config config, Map<String, String> env) {
        if (project.observations().stream().noneMatch(o -> o instanceof Observation.Listing)) {
            return ListingAccess.NONE;
        }
        return new ListingAccess(Optional.of(S3Clients.create(config.s3Endpoint(), env)), config.parameters().values());
    }

    /** PostgreSQL credentials for observations, as the runner's: the secret, fetched only when an observation needs it. */
    static PgCredentials credentials(Map<String, String> env) {
        return new PgCredentials(env, arn -> {
            try (SecretsManagerClient sm = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
                return sm.getSecretValue(b -> b.secretId(arn)).secretString();
            }
        });
    }

    /** For tests and the local stack: an assembled service. */
    public SchedulerHandler(SchedulerService service, JsonLog log) {
        this.service = service;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String json = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        if (!json.isBlank()) {
            var scheduled = EventJson.read(json).path("scheduledTime");
            if (scheduled.isTextual()) {
                log.info("tick", Map.of("scheduledTime", scheduled.asText()));
            }
        }
        SchedulerService.Report r = service.tick();
        output.write(EventJson.MAPPER.writeValueAsBytes(r));
    }

    /**
     * Priming for SnapStart, during init: one tick goes through this handler's whole path (cron
     * fires, freshness, code versions, launching runs, the sweep) on a service whose SDK clients
     * answer every request themselves, as if the table were empty. Nothing is sent or logged; what
     * remains is the classes it loaded and initialized, which the snapshot keeps, so that the first
     * tick after a restore does not load them. A failure only ends the priming.
     * {@code FRESHET_PRIMING=off} skips it ({@code local/freshet bench coldstart} compares both;
     * docs/performance.md, "Cold start").
     */
    static void prime(Map<String, String> env) {
        Priming.prime(env, () -> primeOnce(env));
    }

    /** One priming pass; unlike {@link #prime} it fails when something on the way fails (tests call it). */
    static void primeOnce(Map<String, String> env) throws IOException {
        Config config = Config.from(env);
        Project project = config.project();
        Clock clock = Clock.systemUTC();
        String tick = "{\"scheduledTime\": \"" + clock.instant().truncatedTo(ChronoUnit.MINUTES) + "\"}";
        JsonLog quiet = Priming.quietLog("scheduler", clock);
        try (DynamoDbClient db = Priming.dynamo(env);
             EventBridgeClient events = Priming.events(env)) {
            DynamoStateStore store = new DynamoStateStore(db, config.table(), clock);
            new SchedulerHandler(new SchedulerService(project, store,
                    new PublishingAnnouncer(new EventPublisher(events, config.bus())), quiet, clock, CommonSettings.STACK.read(env)), quiet)
                    .handleRequest(new ByteArrayInputStream(tick.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
        }
    }
}
