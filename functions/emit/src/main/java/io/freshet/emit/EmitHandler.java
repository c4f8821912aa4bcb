package io.freshet.emit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.Config;
import io.freshet.core.location.StackParameters;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.aws.s3.S3Clients;
import io.freshet.state.dynamo.DynamoStateStore;

/**
 * Lambda entry point for producers' announcements, by both ways in (docs/producers.md): the bus
 * event {@code Asset Observed} (a rejection fails the invocation with its reason, so the event
 * ends in the dead-letter queue, as s3-events does with a malformed notification) and the
 * function URL (AuthType AWS_IAM; a rejection is an HTTP 4xx with {@code {"error": reason}}).
 */
public final class EmitHandler implements RequestStreamHandler {

    private final EmitService service;
    private final JsonLog log;

    /** For Lambda: everything from the environment, built once per cold start. */
    public EmitHandler() {
        this(CommonSettings.processEnvironment(), Clock.systemUTC());
    }

    /** Everything from an environment as template.yaml sets it (the local stack passes its own). */
    public EmitHandler(Map<String, String> env, Clock clock) {
        this(Config.from(env), env, clock, JsonLog.forFunction("emit", env, clock));
    }

    private EmitHandler(Config config, Map<String, String> env, Clock clock, JsonLog log) {
        this(new EmitService(config.project(),
                config.parameters().with(StackParameters.LAKE_BUCKET, EmitSettings.LAKE_BUCKET.read(env)), // the lake bucket is required
                new ObjectHeads(S3Clients.create(config.s3Endpoint(), env)),
                new DynamoStateStore(DynamoClients.create(config.dynamoEndpoint(), env), config.table(), clock),
                PublishingAnnouncer.create(config), log), log);
    }

    public EmitHandler(EmitService service, JsonLog log) {
        this.service = service;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode root = EventJson.read(new String(input.readAllBytes(), StandardCharsets.UTF_8));
        String answer = Announcements.isHttpRequest(root) ? http(root) : bus(root);
        output.write(answer.getBytes(StandardCharsets.UTF_8));
    }

    private String bus(JsonNode event) {
        try {
            return EventJson.write(accepted(service.accept(Announcements.fromBusEvent(event))));
        } catch (AnnouncementRejectedException e) {
            log.error("rejected announcement", Map.of("reason", e.getMessage(), "status", e.status()));
            throw new MalformedEventException("announcement rejected: " + e.getMessage());
        }
    }

    /** A function URL response (payload format 2.0): the status, and the body as JSON text. */
    private String http(JsonNode request) {
        ObjectNode response = EventJson.MAPPER.createObjectNode();
        response.putObject("headers").put("content-type", "application/json");
        try {
            ObjectNode body = accepted(service.accept(Announcements.fromHttpRequest(request)));
            response.put("statusCode", 200).put("body", EventJson.write(body));
        } catch (AnnouncementRejectedException e) {
            log.warn("rejected announcement", Map.of("reason", e.getMessage(), "status", e.status(),
                    "caller", request.path("requestContext").path("authorizer").path("iam").path("userArn").asText("")));
            response.put("statusCode", e.status()).put("body", EventJson.write(EventJson.MAPPER.createObjectNode().put("error", e.getMessage())));
        }
        return EventJson.write(response);
    }

    private static ObjectNode accepted(List<EmitService.Accepted> accepted) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ArrayNode events = body.putArray("events");
        for (EmitService.Accepted a : accepted) {
            events.addObject().put("object", a.object()).put("eventId", a.eventId()).put("partition", a.partition())
                    .put("recorded", a.recordedNow());
        }
        return body;
    }
}
