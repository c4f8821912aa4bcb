package io.freshet.state.dynamo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.freshet.state.StoreException;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The one table every aggregate's adapter reads and writes, and the plumbing they share. */
record Table(DynamoDbClient db, String name, Clock clock) {

    private static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Times as stored: fixed width, so that they sort as text; microseconds. */
    static String sortable(Instant t) {
        return SORTABLE.format(t);
    }

    String now() {
        return sortable(clock.instant());
    }

    /** A consistent read of one item. */
    Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        Map<String, AttributeValue> item = db.getItem(b -> b.tableName(name).consistentRead(true).key(Items.key(pk, sk))).item();
        return item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** All items of one partition key (optionally with a sort-key prefix), consistently read, paginated. */
    List<Map<String, AttributeValue>> query(String pk, String skPrefix) {
        return Queries.all(db, name, pk, skPrefix, true);
    }

    /** A put in a transaction, with its condition when it has one. */
    TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        Put.Builder p = Put.builder().tableName(name).item(item);
        if (condition != null) {
            p.conditionExpression(condition);
        }
        return TransactWriteItem.builder().put(p.build()).build();
    }

    /** A conditional put; false when the condition did not hold. */
    boolean conditionalPut(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        try {
            db.putItem(b -> {
                b.tableName(name).item(item).conditionExpression(condition);
                if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                }
            });
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    /** Why the {@code index}th write of a cancelled transaction failed ("None" when it did not). */
    static String reason(TransactionCanceledException ex, int index) {
        List<CancellationReason> reasons = ex.cancellationReasons();
        return index < reasons.size() && reasons.get(index).code() != null ? reasons.get(index).code() : "None";
    }

    static boolean conditionFailed(TransactionCanceledException ex, int index) {
        return reason(ex, index).equals("ConditionalCheckFailed");
    }

    /**
     * Whether a transaction lost a race: one of its conditions no longer held, or another write of
     * one of its items was in progress.
     */
    static boolean lostTheRace(TransactionCanceledException ex) {
        return ex.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code())) || conflicted(ex);
    }

    /** Whether a transaction was cancelled because another write of one of its items was in progress. */
    static boolean conflicted(TransactionCanceledException ex) {
        return ex.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
    }

    /** A short, jittered pause before trying a conflicted transaction again: 10-20 ms, doubling per attempt. */
    static void backOff(int attempt) {
        long base = 10L << Math.min(attempt - 1, 4);
        try {
            Thread.sleep(base + ThreadLocalRandom.current().nextLong(base));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a conflicted transaction", e);
        }
    }
}
