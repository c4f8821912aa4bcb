package io.freshet.aws.s3;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.AwsClients;
import io.freshet.aws.CommonSettings;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 clients as the functions build them: the URL-connection HTTP client (small, quick to start),
 * the region from {@code AWS_REGION} ({@value #DEFAULT_REGION} when unset), the SDK's default
 * checksums (CRC32 on uploads, validation of downloads).
 *
 * <p>Against AWS, the SDK's default credentials chain and virtual-hosted addressing. With an
 * endpoint override (the local stack, tests), path-style addressing ({@code http://host:port/bucket/key}:
 * a local server has no per-bucket host names), and credentials configured in the environment,
 * system properties or the AWS profile, or dummy ones otherwise, since local servers accept
 * anything; the chain's slower lookups (container and instance metadata) are not attempted there.
 */
public final class S3Clients {

    static final String DEFAULT_REGION = AwsClients.DEFAULT_REGION;

    private S3Clients() {
    }

    public static S3Client create(Optional<URI> endpointOverride) {
        return create(endpointOverride, CommonSettings.processEnvironment());
    }

    public static S3Client create(Optional<URI> endpointOverride, Map<String, String> environment) {
        // Local S3-compatible servers answer on one host: bucket names go in the path, not the host name.
        return AwsClients.build(S3Client.builder().forcePathStyle(endpointOverride.isPresent()), endpointOverride, environment);
    }

    static Region region(Map<String, String> environment) {
        return AwsClients.region(environment);
    }
}
