package io.freshet.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the state-table calls the functions make, by operation, through the DynamoDB client
 * every embedded function shares: what `bench dispatch` reports as store calls per event. Only
 * calls that reached the store count; a call the SDK retried counts once per attempt sent.
 */
final class StoreMeter implements ExecutionInterceptor {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private volatile boolean on;

    /** Starts counting from zero. */
    void start() {
        calls.clear();
        on = true;
    }

    /** Stops counting; returns the calls by operation since {@link #start()}. */
    Map<String, Long> stop() {
        on = false;
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((op, n) -> out.put(op, n.sum()));
        return out;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (on) {
            calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder()).increment();
        }
    }

    static long total(Map<String, Long> byOperation) {
        return byOperation.values().stream().mapToLong(Long::longValue).sum();
    }
}
