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
 * checksums (CRC32 on uploads, validation of downloads), and {@code Expect: 100-continue} on every
 * upload with a body ({@link #EXPECT_CONTINUE_FROM_BYTES}).
 *
 * <p>Against AWS, the SDK's default credentials chain and virtual-hosted addressing. With an
 * endpoint override (the local stack, tests), path-style addressing ({@code http://host:port/bucket/key}:
 * a local server has no per-bucket host names), and credentials configured in the environment,
 * system properties or the AWS profile, or dummy ones otherwise, since local servers accept
 * anything; the chain's slower lookups (container and instance metadata) are not attempted there.
 */
public final class S3Clients {

    static final String DEFAULT_REGION = AwsClients.DEFAULT_REGION;

    /**
     * Uploads of at least this many bytes ask {@code Expect: 100-continue}: all of them. Since 2.59
     * the SDK asks it only from 1 MB, to save small uploads a round trip; but a server that refuses
     * an upload (a conditional put's key taken: 412, the only answer that tells {@code ifAbsent}
     * "already there"; no such bucket: 404) may answer before the body and close the connection,
     * and an upload that did not ask then fails writing its body, is retried, and can end as an I/O
     * error instead of the server's answer. Asking, the client waits for "100 Continue" and reads
     * the refusal instead (S3ClientsTest).
     */
    static final long EXPECT_CONTINUE_FROM_BYTES = 1;

    private S3Clients() {
    }

    public static S3Client create(Optional<URI> endpointOverride) {
        return create(endpointOverride, CommonSettings.processEnvironment());
    }

    public static S3Client create(Optional<URI> endpointOverride, Map<String, String> environment) {
        // Local S3-compatible servers answer on one host: bucket names go in the path, not the host name.
        return AwsClients.build(S3Client.builder().forcePathStyle(endpointOverride.isPresent())
                .serviceConfiguration(c -> c.expectContinueThresholdInBytes(EXPECT_CONTINUE_FROM_BYTES)), endpointOverride, environment);
    }

    static Region region(Map<String, String> environment) {
        return AwsClients.region(environment);
    }
}
