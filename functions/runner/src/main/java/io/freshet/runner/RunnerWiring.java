package io.freshet.runner;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.freshet.aws.Announcer;
import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.aws.s3.S3Clients;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.runner.lineage.HttpSink;
import io.freshet.runner.lineage.RunLineage;
import io.freshet.state.dynamo.DynamoStateStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import io.freshet.state.protocol.FaultPoints;

/** Builds the runner from its environment, once per cold start. */
final class RunnerWiring {

    private RunnerWiring() {
    }

    static RunnerService fromEnvironment(Map<String, String> env, Clock clock, Path scratch) {
        Config config = Config.from(env);
        Project project = ProjectLoader.load(config.pipelinesDir()).orThrow();
        String lake = RunnerSettings.LAKE_BUCKET.read(env);
        PgCredentials credentials = new PgCredentials(env, arn -> {
            // Built only when a snapshot needs it: most runs never talk to Secrets Manager.
            try (SecretsManagerClient sm = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
                return sm.getSecretValue(b -> b.secretId(arn)).secretString();
            }
        });
        JsonLog log = JsonLog.forFunction("runner", env, clock);
        PublishingAnnouncer announcer = PublishingAnnouncer.create(config);
        return new RunnerService(project,
                new DynamoStateStore(DynamoClients.create(config.dynamoEndpoint(), env), config.table(), clock),
                new ObjectStore(S3Clients.create(config.s3Endpoint(), env)),
                announcer, lake, new EngineSnapshotter(project, credentials, EngineSnapshotter.lockTimeout(env)),
                clock, log, scratch, FaultPoints.NONE).withLineage(lineage(env, config, announcer, log));
    }

    /**
     * OpenLineage events go to the bus as {@code OpenLineage Run Event} (unless
     * {@code FRESHET_OPENLINEAGE_EVENTBRIDGE=false}) and, when {@code FRESHET_OPENLINEAGE_URL} is set,
     * to that HTTP endpoint (Marquez, or any OpenLineage consumer).
     */
    static RunLineage lineage(Map<String, String> env, Config config, Announcer announcer, JsonLog log) {
        List<RunLineage.Sink> sinks = new ArrayList<>();
        if (RunnerSettings.OPENLINEAGE_EVENTBRIDGE.read(env)) {
            sinks.add(json -> announcer.announce(EventJson.OPENLINEAGE_RUN_EVENT, json));
        }
        RunnerSettings.OPENLINEAGE_URL.find(env).ifPresent(url -> sinks.add(new HttpSink(url)));
        return new RunLineage(RunnerSettings.OPENLINEAGE_NAMESPACE.read(env), sinks, log);
    }
}
