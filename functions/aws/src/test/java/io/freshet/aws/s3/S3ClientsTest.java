package io.freshet.aws.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class S3ClientsTest {

    @Test
    void withAnEndpointOverrideTheClientTalksPathStyleToTheLocalServer() {
        try (LocalS3 s3 = LocalS3.start(); S3Client client = S3Clients.create(Optional.of(s3.endpoint()))) {
            client.createBucket(b -> b.bucket("lake"));
            client.putObject(r -> r.bucket("lake").key("a/b.csv"), RequestBody.fromString("x"));
            assertEquals("x", client.getObjectAsBytes(r -> r.bucket("lake").key("a/b.csv")).asUtf8String());
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
