package io.freshet.aws.events;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.AwsClients;
import io.freshet.aws.CommonSettings;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

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

    static final String DEFAULT_REGION = AwsClients.DEFAULT_REGION;

    private EventBridgeClients() {
    }

    public static EventBridgeClient create(Optional<URI> endpointOverride) {
        return create(endpointOverride, CommonSettings.processEnvironment());
    }

    public static EventBridgeClient create(Optional<URI> endpointOverride, Map<String, String> environment) {
        return AwsClients.build(EventBridgeClient.builder(), endpointOverride, environment);
    }

    static Region region(Map<String, String> environment) {
        return AwsClients.region(environment);
    }
}
