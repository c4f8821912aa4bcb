package io.freshet.aws;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a function needs from its environment. template.yaml sets these; the local stack sets the
 * endpoint overrides to its in-process servers.
 */
public record Config(String table, String bus, Path pipelinesDir, Optional<URI> dynamoEndpoint,
                     Optional<URI> eventBridgeEndpoint, Optional<URI> s3Endpoint) {

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        String taskRoot = env.getOrDefault("LAMBDA_TASK_ROOT", ".");
        return new Config(
                require(env, "FRESHET_TABLE"),
                env.getOrDefault("FRESHET_BUS", "freshet"),
                Path.of(env.getOrDefault("FRESHET_PIPELINES_DIR", taskRoot + "/pipelines")),
                uri(env, "FRESHET_ENDPOINT_DYNAMODB"),
                uri(env, "FRESHET_ENDPOINT_EVENTBRIDGE"),
                uri(env, "FRESHET_ENDPOINT_S3"));
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (template.yaml sets it for every function)");
        }
        return v;
    }

    private static Optional<URI> uri(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(s -> !s.isBlank()).map(URI::create);
    }
}
