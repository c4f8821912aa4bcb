package io.freshet.aws;

import java.net.URI;
import java.util.Optional;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB clients as every function builds them (see {@link AwsClients}). */
public final class DynamoClients {

    private DynamoClients() {
    }

    public static DynamoDbClient create(Optional<URI> endpoint) {
        return AwsClients.build(DynamoDbClient.builder(), endpoint, System.getenv());
    }
}
