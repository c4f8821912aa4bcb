package io.freshet.testkit;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A process that stops right after its {@code crashAfter}-th external write, for crash-point
 * sweeps (docs/architecture.md, "Crash points"): a clean run ({@code crashAfter} 0) lists the
 * writes, then each is crashed after in turn. DynamoDB writes are counted by the client that
 * {@link #dynamo} builds; other writes (an announcement, an upload) call {@link #wrote}.
 */
public final class CrashAfterWrites {

    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem");

    private final int crashAfter;
    private final List<String> writes = new CopyOnWriteArrayList<>();

    /** Stops after the {@code crashAfter}-th write; 0 never stops. */
    public CrashAfterWrites(int crashAfter) {
        this.crashAfter = crashAfter;
    }

    /** The writes made so far, in order, by operation name. */
    public List<String> writes() {
        return List.copyOf(writes);
    }

    /** Counts one write; throws {@link IllegalStateException} when it is the one to stop after. */
    public void wrote(String what) {
        writes.add(what);
        if (writes.size() == crashAfter) {
            throw new IllegalStateException("crashed right after " + what);
        }
    }

    /** A DynamoDB client for {@code endpoint} (DynamoDB Local) whose every completed write counts. */
    public DynamoDbClient dynamo(URI endpoint) {
        ExecutionInterceptor afterWrite = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                if (WRITES.contains(op)) {
                    wrote(op);
                }
            }
        };
        return DynamoDbClient.builder().endpointOverride(endpoint).httpClient(UrlConnectionHttpClient.create())
                .region(Region.EU_CENTRAL_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("l", "l")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(afterWrite)).build();
    }
}
