package io.freshet.runner;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.aws.Announcer;
import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.aws.s3.S3Clients;
import io.freshet.core.location.StackParameters;
import io.freshet.core.load.Project;
import io.freshet.lineage.LineageSettings;
import io.freshet.lineage.RunLineage;
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
        Project project = config.project();
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
                announcer, config.parameters().with(StackParameters.LAKE_BUCKET, lake), new EngineSnapshotter(project, credentials, EngineSnapshotter.lockTimeout(env)),
                clock, log, scratch, FaultPoints.NONE).withLineage(lineage(env, announcer, log));
    }

    /**
     * OpenLineage events as {@link LineageSettings} say. Lake tables by their location: the runner
     * does not know the catalog, and its events (START, FAIL) name no table; the publisher's
     * COMPLETE names them by the catalog.
     */
    static RunLineage lineage(Map<String, String> env, Announcer announcer, JsonLog log) {
        // Named as the publisher names them (Glue on AWS), so a FAIL's inputs join the COMPLETEs' tables.
        return LineageSettings.lineage(env, announcer, log, LineageSettings.glueOrLocation(env));
    }
}
