package io.freshet.publisher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.aws.json.EventJson;

/**
 * Lambda entry point of the publisher: the target of the {@code Run Outputs Staged} rule (input:
 * the event's detail, {@code {"runId": ..., "attempt": ...}}) and of the housekeeping schedule
 * (input: {@code {"housekeeping": true}}). Thin: it tells the two apart and hands over to
 * {@link PublisherService}.
 */
public final class PublisherHandler implements RequestStreamHandler {

    private final PublisherService service;

    public PublisherHandler() {
        this(CommonSettings.processEnvironment(), Clock.systemUTC());
    }

    /** Everything from an environment as template.yaml sets it (the embedded stack passes its own). */
    public PublisherHandler(Map<String, String> env, Clock clock) {
        this(PublisherWiring.fromEnvironment(env, clock));
    }

    public PublisherHandler(PublisherService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode json = EventJson.read(new String(input.readAllBytes(), StandardCharsets.UTF_8));
        // The rule passes the detail; a whole envelope is accepted too.
        JsonNode detail = json.has("detail") ? json.get("detail") : json;
        if (detail.path("housekeeping").asBoolean(false)) {
            HousekeepingRound round = service.housekeep();
            if (round.failed()) {
                // After every table was tried: the schedule's retry or dead-letter queue sees it.
                throw new HousekeepingFailedException(round.failures());
            }
            output.write(EventJson.MAPPER.writeValueAsBytes(round.totals()));
            return;
        }
        if (!detail.hasNonNull("runId")) {
            throw new MalformedEventException("a Run Outputs Staged detail needs 'runId'");
        }
        var state = service.publish(EventJson.text(detail, "runId"));
        output.write(EventJson.MAPPER.writeValueAsBytes(Map.of("state", state.name())));
    }
}
