package io.freshet.s3events;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.aws.store.DynamoStore;
import io.freshet.core.load.ProjectLoader;

/**
 * Lambda entry point for S3 object notifications (EventBridge {@code Object Created}, or classic
 * {@code Records}). A malformed notification fails with its reason and ends in the dead-letter
 * queue after Lambda's retries; nothing is dropped silently.
 */
public final class S3EventsHandler implements RequestStreamHandler {

    private final S3EventsService service;
    private final JsonLog log;

    public S3EventsHandler() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** Everything from an environment as template.yaml sets it (the local stack passes its own). */
    public S3EventsHandler(Map<String, String> env, Clock clock) {
        this(Config.from(env), env, clock, JsonLog.forFunction("s3-events", env, clock));
    }

    private S3EventsHandler(Config config, Map<String, String> env, Clock clock, JsonLog log) {
        this(new S3EventsService(ProjectLoader.load(config.pipelinesDir()).orThrow(),
                Map.of("LakeBucket", lakeBucket(env)),
                new DynamoStore(DynamoClients.create(config.dynamoEndpoint()), config.table(), clock),
                PublishingAnnouncer.create(config), log), log);
    }

    public S3EventsHandler(S3EventsService service, JsonLog log) {
        this.service = service;
        this.log = log;
    }

    private static String lakeBucket(Map<String, String> env) {
        String bucket = env.get("FRESHET_LAKE_BUCKET");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalStateException("environment variable FRESHET_LAKE_BUCKET is not set (template.yaml sets it)");
        }
        return bucket;
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
}
