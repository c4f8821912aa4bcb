package io.freshet.s3events;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.AwsClients;
import io.freshet.aws.CommonSettings;
import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.priming.Priming;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.location.StackParameters;
import io.freshet.core.load.Project;
import io.freshet.core.model.Source;
import io.freshet.state.dynamo.DynamoStateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Lambda entry point for S3 object notifications (EventBridge {@code Object Created} and
 * {@code Object Deleted}, or classic {@code Records}). A malformed notification, or one with
 * malformed records (after its good records are handled), fails with the reason, naming each bad
 * record by index, and ends in the dead-letter queue after Lambda's retries; nothing is dropped
 * silently.
 */
public final class S3EventsHandler implements RequestStreamHandler {

    private final S3EventsService service;
    private final JsonLog log;

    /** For Lambda: everything from the environment, built once per cold start, then primed. */
    public S3EventsHandler() {
        this(CommonSettings.processEnvironment(), Clock.systemUTC());
        prime(CommonSettings.processEnvironment());
    }

    /** Everything from an environment as template.yaml sets it (the local stack passes its own). */
    public S3EventsHandler(Map<String, String> env, Clock clock) {
        this(Config.from(env), env, clock, JsonLog.forFunction("s3-events", env, clock));
    }

    private S3EventsHandler(Config config, Map<String, String> env, Clock clock, JsonLog log) {
        this(new S3EventsService(config.project(),
                parameters(config, env),
                new DynamoStateStore(DynamoClients.create(config.dynamoEndpoint(), env), config.table(), clock),
                PublishingAnnouncer.create(config), log), log);
    }

    public S3EventsHandler(S3EventsService service, JsonLog log) {
        this.service = service;
        this.log = log;
    }

    /** The stack's parameters; the lake bucket is required, its notifications are what arrive. */
    private static StackParameters parameters(Config config, Map<String, String> env) {
        return config.parameters().with(StackParameters.LAKE_BUCKET, S3EventsSettings.LAKE_BUCKET.read(env));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String json = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        try {
            int recorded = service.handle(EventJson.read(json)).size();
            output.write(("{\"recorded\":" + recorded + "}").getBytes(StandardCharsets.UTF_8));
        } catch (MalformedEventException e) {
            log.error("rejected notification", Map.of("reason", e.getMessage()));
            throw e;
        }
    }

    /**
     * Priming for SnapStart, during init: a notification of an object the project's first S3
     * source matches goes once through this handler's whole path (parsing, key matching,
     * recording, announcing, logging) on a service whose SDK clients answer every request
     * themselves. Nothing is sent or logged; what remains is the classes it loaded and
     * initialized, which the snapshot keeps, so that the first invocation after a restore does not
     * load them. A failure only ends the priming. {@code FRESHET_PRIMING=off} skips it
     * ({@code local/freshet bench coldstart} compares both; docs/performance.md, "Cold start").
     */
    static void prime(Map<String, String> env) {
        Priming.prime(env, () -> primeOnce(env));
    }

    /** One priming pass; unlike {@link #prime} it fails when something on the way fails (tests call it). */
    static void primeOnce(Map<String, String> env) throws IOException {
        Config config = Config.from(env);
        Project project = config.project();
        StackParameters parameters = parameters(config, env);
        Optional<String> object = project.sources().stream().filter(s -> s instanceof Source.S3).findFirst()
                .map(s -> parameters.resolve(((Source.S3) s).location())).flatMap(l -> l.overlapWitness(l));
        if (object.isEmpty()) {
            return;
        }
        String bucket = object.get().substring("s3://".length(), object.get().indexOf('/', "s3://".length()));
        String key = object.get().substring("s3://".length() + bucket.length() + 1);
        String notification = """
                {"version":"0","id":"priming","detail-type":"Object Created","source":"aws.s3","account":"000000000000",
                 "time":"2026-01-01T00:00:00Z","region":"%s","resources":["arn:aws:s3:::%s"],
                 "detail":{"version":"0","bucket":{"name":"%s"},"object":{"key":"%s","size":1,"etag":"priming","sequencer":"00"},
                 "request-id":"priming","requester":"priming","reason":"PutObject"}}
                """.formatted(AwsClients.region(env).id(), bucket, bucket, key);
        JsonLog quiet = Priming.quietLog("s3-events", Clock.systemUTC());
        try (DynamoDbClient db = Priming.dynamo(env);
             EventBridgeClient events = Priming.events(env)) {
            new S3EventsHandler(new S3EventsService(project, parameters, new DynamoStateStore(db, config.table(), Clock.systemUTC()),
                    new PublishingAnnouncer(new EventPublisher(events, config.bus())), quiet), quiet)
                    .handleRequest(new ByteArrayInputStream(notification.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
        }
    }
}
