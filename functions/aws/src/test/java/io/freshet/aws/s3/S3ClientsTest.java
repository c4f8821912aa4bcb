package io.freshet.aws.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ClientsTest {

    @Test
    void withAnEndpointOverrideTheClientTalksPathStyleToTheLocalServer() {
        try (LocalS3 s3 = LocalS3.start(); S3Client client = S3Clients.create(Optional.of(s3.endpoint()))) {
            client.createBucket(b -> b.bucket("lake"));
            client.putObject(r -> r.bucket("lake").key("a/b.csv"), RequestBody.fromString("x"));
            assertEquals("x", client.getObjectAsBytes(r -> r.bucket("lake").key("a/b.csv")).asUtf8String());
        }
    }

    /**
     * A refusal answered before the body (a conditional put's key taken, no such bucket) reaches
     * {@code ifAbsent} as the server's answer at the first attempt, small bodies included: the SDK
     * since 2.59 would not ask "100 Continue" under 1 MB, and then fails writing the body instead.
     */
    @Test
    void refusalsOfSmallUploadsAreTheServersAnswerAtTheFirstAttempt() {
        try (LocalS3 s3 = LocalS3.start(); S3Client client = S3Clients.create(Optional.of(s3.endpoint()))) {
            client.createBucket(b -> b.bucket("lake"));
            client.putObject(r -> r.bucket("lake").key("taken"), RequestBody.fromString("x"));
            RequestBody small = RequestBody.fromBytes(new byte[900_000]);
            for (int i = 0; i < 30; i++) {
                S3Exception missing = assertThrows(S3Exception.class,
                        () -> client.putObject(r -> r.bucket("no-such-bucket").key("k"), small));
                assertEquals(404, missing.statusCode(), missing.getMessage());
                assertEquals(1, missing.numAttempts(), missing.getMessage());
                S3Exception taken = assertThrows(S3Exception.class,
                        () -> client.putObject(r -> r.bucket("lake").key("taken").ifNoneMatch("*"), small));
                assertEquals(412, taken.statusCode(), taken.getMessage());
                assertEquals(1, taken.numAttempts(), taken.getMessage());
            }
        }
    }

    @Test
    void theRegionComesFromAwsRegionWithEuCentral1AsDefault() {
        assertEquals(Region.EU_CENTRAL_1, S3Clients.region(Map.of()));
        assertEquals(Region.EU_CENTRAL_1, S3Clients.region(Map.of("AWS_REGION", " ")));
        assertEquals(Region.US_WEST_2, S3Clients.region(Map.of("AWS_REGION", "us-west-2")));
        try (S3Client client = S3Clients.create(Optional.empty(), Map.of("AWS_REGION", "eu-west-1"))) {
            assertEquals(Region.EU_WEST_1, client.serviceClientConfiguration().region());
        }
    }
}
