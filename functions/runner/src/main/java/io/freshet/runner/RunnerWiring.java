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
import io.freshet.aws.store.DynamoStore;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
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
        return new RunnerService(project,
                new DynamoStore(DynamoClients.create(config.dynamoEndpoint()), config.table(), clock),
                new ObjectStore(S3Clients.create(config.s3Endpoint())),
                PublishingAnnouncer.create(config), lake, new EngineSnapshotter(project, credentials),
                clock, JsonLog.forFunction("runner", env, clock), scratch, FaultPoints.NONE);
    }
}
