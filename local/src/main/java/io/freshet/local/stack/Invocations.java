package io.freshet.local.stack;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often the embedded stack invoked each function and how long each invocation ran, in
 * process, warm: what a benchmark turns into Lambda's bill (requests, and GB-seconds at the
 * template's memory sizes, each invocation billed per started millisecond).
 */
public final class Invocations {

    /** One function's invocations since the last {@link #reset()}. */
    public record Count(long invocations, long billedMillis, long nanos) {
    }

    private final Map<String, LongAdder[]> byFunction = new ConcurrentHashMap<>();

    void record(String function, long nanos) {
        LongAdder[] a = byFunction.computeIfAbsent(function, f -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(Math.max(1, (nanos + 999_999) / 1_000_000));
        a[2].add(nanos);
    }

    public void reset() {
        byFunction.clear();
    }

    /** By function name (the target's name: s3-events, trigger, ...). */
    public Map<String, Count> counts() {
        Map<String, Count> out = new TreeMap<>();
        byFunction.forEach((f, a) -> out.put(f, new Count(a[0].sum(), a[1].sum(), a[2].sum())));
        return out;
    }
}
