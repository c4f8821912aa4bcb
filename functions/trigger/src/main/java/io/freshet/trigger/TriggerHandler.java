package io.freshet.trigger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import io.freshet.aws.store.SchedulerStore;
import io.freshet.core.load.ProjectLoader;

/**
 * Lambda entry point of the trigger: the target of every consumer rule. Thin: it parses the
 * delivery and hands it to {@link TriggerService}. A malformed delivery fails the invocation with
 * its reason, so Lambda's retries and then the function's dead-letter queue keep it.
 */
public final class TriggerHandler implements RequestStreamHandler {

    private final TriggerService service;
    private final JsonLog log;

    /** For Lambda: everything from the environment, built once per cold start. */
    public TriggerHandler() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** Everything from an environment as template.yaml sets it (the local stack passes its own). */
    public TriggerHandler(Map<String, String> env, Clock clock) {
        this(Config.from(env), DynamoClients.create(Config.from(env).dynamoEndpoint()), clock, JsonLog.forFunction("trigger", env, clock));
    }

    private TriggerHandler(Config config, software.amazon.awssdk.services.dynamodb.DynamoDbClient db, Clock clock, JsonLog log) {
        this(new TriggerService(ProjectLoader.load(config.pipelinesDir()).orThrow(),
                new DynamoStore(db, config.table(), clock), new SchedulerStore(db, config.table(), clock),
                PublishingAnnouncer.create(config), log, clock), log);
    }

    /** For tests and the local stack: an assembled service. */
    public TriggerHandler(TriggerService service, JsonLog log) {
        this.service = service;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String json = new String(input.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            service.handle(EventJson.read(json));
        } catch (MalformedEventException e) {
            log.error("rejected delivery", Map.of("reason", e.getMessage()));
            throw e;
        }
        output.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
