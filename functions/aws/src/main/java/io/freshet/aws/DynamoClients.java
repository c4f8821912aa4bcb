package io.freshet.aws;

import java.net.URI;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * DynamoDB clients with the URL-connection HTTP client (small and quick to start, which is what
 * a Lambda cold start wants) and an optional endpoint override for local servers.
 */
public final class DynamoClients {

    private DynamoClients() {
    }

    public static DynamoDbClient create(Optional<URI> endpoint) {
        DynamoDbClientBuilder b = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(Optional.ofNullable(System.getenv("AWS_REGION")).orElse("eu-central-1")));
        if (endpoint.isPresent()) {
            b.endpointOverride(endpoint.get());
            boolean hasKeys = System.getenv("AWS_ACCESS_KEY_ID") != null;
            b.credentialsProvider(hasKeys ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return b.build();
    }
}
