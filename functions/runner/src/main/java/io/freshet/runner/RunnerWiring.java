package io.freshet.runner;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.aws.s3.S3Clients;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.state.dynamo.DynamoStateStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Builds the runner from its environment, once per cold start. */
final class RunnerWiring {

    private RunnerWiring() {
    }

    static RunnerService fromEnvironment(Map<String, String> env, Clock clock, Path scratch) {
        Config config = Config.from(env);
        Project project = ProjectLoader.load(config.pipelinesDir()).orThrow();
        String lake = env.get("FRESHET_LAKE_BUCKET");
        if (lake == null || lake.isBlank()) {
            throw new IllegalStateException("environment variable FRESHET_LAKE_BUCKET is not set (template.yaml sets it)");
        }
        PgCredentials credentials = new PgCredentials(env, arn -> {
            // Built only when a snapshot needs it: most runs never talk to Secrets Manager.
            try (SecretsManagerClient sm = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
                return sm.getSecretValue(b -> b.secretId(arn)).secretString();
            }
        });
        JsonLog log = JsonLog.forFunction("runner", env, clock);
        PublishingAnnouncer announcer = PublishingAnnouncer.create(config);
        return new RunnerService(project,
                new DynamoStateStore(DynamoClients.create(config.dynamoEndpoint()), config.table(), clock),
                new ObjectStore(S3Clients.create(config.s3Endpoint())),
                announcer, lake, new EngineSnapshotter(project, credentials, EngineSnapshotter.lockTimeout(env)),
                clock, log, scratch, FaultPoints.NONE).withLineage(lineage(env, config, announcer, log));
    }

    /**
     * OpenLineage events go to the bus as {@code OpenLineage Run Event} (unless
     * {@code FRESHET_OPENLINEAGE_EVENTBRIDGE=false}) and, when {@code FRESHET_OPENLINEAGE_URL} is set,
     * to that HTTP endpoint (Marquez, or any OpenLineage consumer).
     */
    static io.freshet.runner.lineage.RunLineage lineage(Map<String, String> env, Config config, io.freshet.aws.Announcer announcer, JsonLog log) {
        java.util.List<io.freshet.runner.lineage.RunLineage.Sink> sinks = new java.util.ArrayList<>();
        if (!"false".equalsIgnoreCase(env.getOrDefault("FRESHET_OPENLINEAGE_EVENTBRIDGE", "true"))) {
            sinks.add(json -> announcer.announce(io.freshet.aws.json.EventJson.OPENLINEAGE_RUN_EVENT, json));
        }
        String url = env.getOrDefault("FRESHET_OPENLINEAGE_URL", "");
        if (!url.isBlank()) {
            sinks.add(new io.freshet.runner.lineage.HttpSink(java.net.URI.create(url.trim())));
        }
        String namespace = env.getOrDefault("FRESHET_OPENLINEAGE_NAMESPACE", env.getOrDefault("FRESHET_STACK", config.bus()));
        return new io.freshet.runner.lineage.RunLineage(namespace, sinks, log);
    }
}
