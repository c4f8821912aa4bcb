package io.freshet.aws.events;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;

/**
 * EventBridge clients as the functions build them: the URL-connection HTTP client (small, quick
 * to start), the region from {@code AWS_REGION} ({@value #DEFAULT_REGION} when unset).
 *
 * <p>Against AWS, the SDK's default credentials chain. With an endpoint override (the local stack,
 * tests), credentials configured in the environment, system properties or the AWS profile are
 * used, and dummy ones otherwise, since local servers accept anything; the chain's slower
 * lookups (container and instance metadata) are not attempted there.
 */
public final class EventBridgeClients {

    static final String DEFAULT_REGION = "eu-central-1";

    private EventBridgeClients() {
    }

    public static EventBridgeClient create(Optional<URI> endpointOverride) {
        return create(endpointOverride, System.getenv());
    }

    static EventBridgeClient create(Optional<URI> endpointOverride, Map<String, String> environment) {
        EventBridgeClientBuilder builder = EventBridgeClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(region(environment));
        if (endpointOverride.isPresent()) {
            builder.endpointOverride(endpointOverride.get()).credentialsProvider(localCredentials());
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }

    static Region region(Map<String, String> environment) {
        String region = environment.get("AWS_REGION");
        return Region.of(region == null || region.isBlank() ? DEFAULT_REGION : region.trim());
    }

    private static AwsCredentialsProvider localCredentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(
                        EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(),
                        ProfileCredentialsProvider.create(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }
}
