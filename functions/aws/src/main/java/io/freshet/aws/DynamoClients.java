package io.freshet.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB clients as every function builds them (see {@link AwsClients}). */
public final class DynamoClients {

    private DynamoClients() {
    }

    public static DynamoDbClient create(Optional<URI> endpoint) {
        return create(endpoint, CommonSettings.processEnvironment());
    }

    /** With the region from {@code environment}'s {@code AWS_REGION}. */
    public static DynamoDbClient create(Optional<URI> endpoint, Map<String, String> environment) {
        return AwsClients.build(DynamoDbClient.builder(), endpoint, environment);
    }
}
