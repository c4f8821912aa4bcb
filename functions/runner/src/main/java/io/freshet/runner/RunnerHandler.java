package io.freshet.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;

/**
 * Lambda entry point of the runner, the target of the {@code Run Requested} rule (input: the
 * event's detail). Thin: it reads the run id and hands it to {@link RunnerService}.
 */
public final class RunnerHandler implements RequestStreamHandler {

    private final RunnerService service;

    public RunnerHandler() {
        this(CommonSettings.processEnvironment(), Clock.systemUTC());
    }

    /** Everything from an environment as template.yaml sets it (the local stack passes its own). */
    public RunnerHandler(Map<String, String> env, Clock clock) {
        this(RunnerWiring.fromEnvironment(env, clock, RunnerSettings.SCRATCH_DIR.read(env)));
    }

    public RunnerHandler(RunnerService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var json = EventJson.read(new String(input.readAllBytes(), StandardCharsets.UTF_8));
        // The rule passes the detail; a whole envelope is accepted too.
        var detail = json.has("detail") ? json.get("detail") : json;
        if (!detail.has("runId")) {
            throw new MalformedEventException("a Run Requested detail needs 'runId'");
        }
        // The lease must outlast this invocation: Lambda may run it up to its own timeout, whatever the pipeline's.
        Duration timeLeft = context == null ? Duration.ZERO : Duration.ofMillis(context.getRemainingTimeInMillis());
        var state = service.execute(EventJson.text(detail, "runId"), timeLeft);
        output.write(EventJson.MAPPER.writeValueAsBytes(Map.of("state", state.map(Enum::name).orElse("ALREADY_RUNNING"))));
    }
}
