package io.freshet.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Counts the state-table calls the functions make, by operation, and the capacity units DynamoDB
 * says they consumed ({@code ReturnConsumedCapacity: TOTAL}, set on every request that takes it),
 * through the DynamoDB client every embedded function shares: `bench dispatch` reports calls per
 * event, `bench cost` bills the units. A call the SDK retried counts once per attempt sent.
 */
final class StoreMeter implements ExecutionInterceptor {

    /**
     * What the store did while the meter was on. {@code writeUnits} bills transactions by AWS's rule
     * ({@link #awsTableUnits}) and their index entries by AWS's rule for any write ({@link #awsIndexUnits});
     * {@code transactionAdjustment} is what the first rule added to (or took from) what DynamoDB Local
     * reported for their items, {@code indexAdjustment} what the second took from its report for
     * their index entries. {@code readUnits} bills every read at least
     * AWS's minimum ({@link #awsReadMinimum}); {@code readAdjustment} is what that added.
     * {@code failedConditionUnits} are the write units of single writes whose condition failed
     * ({@link #failedConditionUnits}), which DynamoDB Local does not report and AWS bills; they
     * are in {@code writeUnits} too.
     */
    record Reading(Map<String, Long> calls, double readUnits, double writeUnits, double transactionAdjustment, double indexAdjustment,
                   double readAdjustment, double failedConditionUnits, Map<String, Double> unitsByOperation) {
        long totalCalls() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final DoubleAdder readUnits = new DoubleAdder();
    private final DoubleAdder writeUnits = new DoubleAdder();
    private final DoubleAdder transactionAdjustment = new DoubleAdder();
    private final DoubleAdder indexAdjustment = new DoubleAdder();
    private final DoubleAdder readAdjustment = new DoubleAdder();
    private final DoubleAdder failedConditionUnits = new DoubleAdder();
    private final Map<String, DoubleAdder> unitsByOperation = new ConcurrentHashMap<>();
    private volatile boolean on;
    private final List<String> lastCalls = new CopyOnWriteArrayList<>();
    private volatile boolean detail;

    /** Starts counting from zero. */
    void start() {
        calls.clear();
        unitsByOperation.clear();
        readUnits.reset();
        writeUnits.reset();
        transactionAdjustment.reset();
        indexAdjustment.reset();
        readAdjustment.reset();
        failedConditionUnits.reset();
        on = true;
    }

    /** From now on (until {@link #stop()}), also lists each call: what it wrote, item by item, and its units. */
    void detail() {
        lastCalls.clear();
        detail = true;
    }

    /** The calls listed since {@link #detail()}, in order. */
    List<String> listed() {
        return List.copyOf(lastCalls);
    }

    /** Stops counting; returns what was counted since {@link #start()}. */
    Reading stop() {
        on = false;
        detail = false;
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((op, n) -> out.put(op, n.sum()));
        Map<String, Double> units = new TreeMap<>();
        unitsByOperation.forEach((op, u) -> units.put(op, u.sum()));
        return new Reading(out, readUnits.sum(), writeUnits.sum(), transactionAdjustment.sum(), indexAdjustment.sum(), readAdjustment.sum(),
                failedConditionUnits.sum(), units);
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        ReturnConsumedCapacity total = ReturnConsumedCapacity.INDEXES; // the total, and how much of it the indexes took
        return switch (context.request()) {
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            default -> context.request();
        };
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (on) {
            calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder()).increment();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!on) {
            return;
        }
        SdkResponse response = context.response();
        List<ConsumedCapacity> used = switch (response) {
            case PutItemResponse r -> listOf(r.consumedCapacity());
            case UpdateItemResponse r -> listOf(r.consumedCapacity());
            case DeleteItemResponse r -> listOf(r.consumedCapacity());
            case GetItemResponse r -> listOf(r.consumedCapacity());
            case QueryResponse r -> listOf(r.consumedCapacity());
            case TransactWriteItemsResponse r -> r.consumedCapacity();
            default -> List.of();
        };
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        DoubleAdder byOperation = unitsByOperation.computeIfAbsent(operation, k -> new DoubleAdder());
        boolean read = response instanceof GetItemResponse || response instanceof QueryResponse;
        double reported = 0; // this call's own units (other calls are metered at the same time)
        for (ConsumedCapacity c : used) {
            double units = c.capacityUnits() != null ? c.capacityUnits() : orZero(c.readCapacityUnits()) + orZero(c.writeCapacityUnits());
            reported += units;
            if (c.readCapacityUnits() == null && c.writeCapacityUnits() == null) {
                (read ? readUnits : writeUnits).add(units); // only the total: a read operation's units are reads, a write's writes
            } else {
                readUnits.add(orZero(c.readCapacityUnits()));
                writeUnits.add(orZero(c.writeCapacityUnits()));
            }
        }
        double adjusted = 0;
        double reportedIndexes = used.stream().mapToDouble(StoreMeter::indexUnits).sum();
        double indexes = reportedIndexes; // what AWS bills for this call's index entries
        if (context.request() instanceof TransactWriteItemsRequest r) {
            double items = awsTableUnits(r) - used.stream().mapToDouble(StoreMeter::tableUnits).sum();
            indexes = awsIndexUnits(reportedIndexes);
            double entries = indexes - reportedIndexes;
            adjusted = items + entries;
            writeUnits.add(adjusted);
            transactionAdjustment.add(items);
            indexAdjustment.add(entries);
        } else {
            adjusted = Math.max(0, awsReadMinimum(context.request()) - reported);
            readUnits.add(adjusted);
            readAdjustment.add(adjusted);
        }
        byOperation.add(reported + adjusted);
        if (detail) {
            lastCalls.add(String.format("%-18s %5.1f units%s%s  %s", operation, reported + adjusted,
                    indexes > 0 ? String.format(" (indexes %.1f)", indexes) : "",
                    adjusted != 0 ? String.format(" (DynamoDB Local: %.1f)", reported) : "", ItemSizes.describe(context.request())));
        }
    }

    /**
     * A single write whose condition failed: AWS bills it as the write it blocked (at least 1 unit,
     * by the larger of the item there and the item written), DynamoDB Local reports nothing, as
     * the SDK's exception carries no consumed capacity. A transaction cancelled by a condition is
     * left unbilled: AWS does not say what it bills for one (none does on the event path measured,
     * one event at a time).
     */
    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!on || !(context.exception() instanceof ConditionalCheckFailedException)) {
            return;
        }
        double units = failedConditionUnits(context.request());
        writeUnits.add(units);
        failedConditionUnits.add(units);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        unitsByOperation.computeIfAbsent(operation, k -> new DoubleAdder()).add(units);
        if (detail) {
            lastCalls.add(String.format("%-18s %5.1f units (condition failed; DynamoDB Local: 0.0)  %s", operation, units,
                    ItemSizes.describe(context.request())));
        }
    }

    /**
     * What AWS bills a single write whose condition failed: the started KB of the item it would have
     * written (a put's; an update or delete is taken as under 1 KB, as the state table's items are),
     * at least 1. The item already there counts if larger; the state table's are under 1 KB.
     */
    static double failedConditionUnits(SdkRequest request) {
        return switch (request) {
            case PutItemRequest r -> Math.max(1, Math.ceil(ItemSizes.size(r.item()) / 1024.0));
            case UpdateItemRequest r -> 1;
            case DeleteItemRequest r -> 1;
            default -> 0;
        };
    }

    /**
     * What AWS bills a transaction on the table itself (its indexes apart): 2 write units for every
     * started KB of each item it names, whether it puts, updates, deletes or only checks it (a
     * ConditionCheck is billed as a write; a missing item as 1 KB, the least any write is billed).
     * DynamoDB Local reports something else: 4 units per started KB of all the transaction's items
     * together (a put of 190 B alone: 4; a put of 190 B with a check of a missing item: 4 as well),
     * so its report is replaced by this. Items other than puts are taken as under 1 KB, which the
     * state table's are (the per-call listing shows the sizes of what is put).
     */
    static double awsTableUnits(TransactWriteItemsRequest r) {
        return r.transactItems().stream()
                .mapToDouble(i -> 2.0 * (i.put() != null ? Math.max(1, Math.ceil(ItemSizes.size(i.put().item()) / 1024.0)) : 1))
                .sum();
    }

    /**
     * What AWS bills for the index entries a transaction writes, from what DynamoDB Local reports for
     * them. AWS applies a transaction's changes to the global secondary indexes after it commits, as
     * it applies any write's (its developer guide, "Amazon DynamoDB Transactions: how it works":
     * "propagated to global secondary indexes ... eventually, after the transaction completes"): the
     * doubling it bills for the prepare and commit of each item does not reach them, so an entry
     * costs what it costs after a single write, 1 unit per started KB of the projected item, 2 where
     * an update moves the item's key in the index (the old entry deleted, the new put). DynamoDB
     * Local reports 4 times that for a transaction (one entry under 1 KB: 4; a key moved: 8;
     * {@code StoreMeterTest}), reckoned on the transaction's items together, so a quarter of its
     * figure is what AWS bills where a transaction touches one item of each index, as every
     * transaction of the state table does (a run's creation and end name one run).
     */
    static double awsIndexUnits(double reportedByDynamoDbLocal) {
        return reportedByDynamoDbLocal / 4;
    }

    /**
     * The least AWS bills a read request, whatever it returns: 1 read unit for a strongly consistent
     * GetItem or Query, 0.5 for an eventually consistent one, even when it finds nothing. DynamoDB
     * Local reports 0 for a read that finds nothing (the trigger's read of a partition no run has
     * touched), so its report is raised to this. 0 for anything else.
     */
    static double awsReadMinimum(SdkRequest request) {
        return switch (request) {
            case GetItemRequest r -> Boolean.TRUE.equals(r.consistentRead()) ? 1 : 0.5;
            case QueryRequest r -> Boolean.TRUE.equals(r.consistentRead()) ? 1 : 0.5;
            default -> 0;
        };
    }

    /** The units a response reports on the table itself, its indexes' apart. */
    private static double tableUnits(ConsumedCapacity c) {
        if (c.table() != null && c.table().capacityUnits() != null) {
            return c.table().capacityUnits();
        }
        double total = c.capacityUnits() != null ? c.capacityUnits() : orZero(c.writeCapacityUnits());
        return total - indexUnits(c);
    }

    /** The units a response reports on the indexes. */
    private static double indexUnits(ConsumedCapacity c) {
        return c.globalSecondaryIndexes() == null ? 0
                : c.globalSecondaryIndexes().values().stream().mapToDouble(x -> orZero(x.capacityUnits())).sum();
    }

    private static List<ConsumedCapacity> listOf(ConsumedCapacity c) {
        return c == null ? List.of() : List.of(c);
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
