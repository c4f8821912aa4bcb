package io.freshet.aws;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.location.StackParameters;

/**
 * What every function needs from its environment ({@link CommonSettings} declares each variable).
 * template.yaml sets these; the local stack sets the endpoint overrides to its in-process servers.
 */
public record Config(String table, String bus, Path pipelinesDir, Optional<URI> dynamoEndpoint,
                     Optional<URI> eventBridgeEndpoint, Optional<URI> s3Endpoint, StackParameters parameters) {

    public static Config fromEnvironment() {
        return from(CommonSettings.processEnvironment());
    }

    public static Config from(Map<String, String> env) {
        return new Config(CommonSettings.TABLE.read(env), CommonSettings.BUS.read(env), CommonSettings.PIPELINES_DIR.read(env),
                CommonSettings.DYNAMODB_ENDPOINT.find(env), CommonSettings.EVENTBRIDGE_ENDPOINT.find(env), CommonSettings.S3_ENDPOINT.find(env),
                CommonSettings.stackParameters(env));
    }

    /** The packaged pipelines, whose locations may name the stack's parameters. */
    public Project project() {
        return ProjectLoader.load(pipelinesDir, parameters).orThrow();
    }
}
