package io.freshet.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Kills a function right after one of its external writes, as a crash or a Lambda timeout would:
 * an SDK interceptor on the clients every function of a test stack uses. Each invocation of a
 * function runs inside {@link #invoke}, which names the function and the invocation (its
 * "signature": which rule delivered what); after a write (DynamoDB PutItem, UpdateItem,
 * DeleteItem, TransactWriteItems; S3 PutObject, CompleteMultipartUpload; EventBridge PutEvents)
 * has succeeded, the interceptor counts it and, at the planned one, fails the call and marks the
 * invocation dead: every later SDK call of that invocation fails before it is sent, so whatever
 * the function's code does with the failure, nothing more reaches DynamoDB, S3 or EventBridge.
 * The next invocation (a redelivery, the next tick) is a new process.
 *
 * <p>Without a plan it only records each invocation's writes, by name: the crash points.
 */
final class CrashInterceptor implements ExecutionInterceptor {

    /** The SDK operations that change something outside the function. */
    static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem",
            "PutObject", "CompleteMultipartUpload", "CopyObject", "DeleteObject", "DeleteObjects", "PutEvents");

    /**
     * A crash point: the {@code write}-th write (from 1) of the first invocation of {@code function}
     * with {@code signature}. A point found by the sweep is also the {@code occurrence}-th write of
     * its {@code name} in the invocation, which is what a crash is planned on: two writes a function
     * makes at once ({@code AtOnce}) may end in either order, so only the writes after them keep
     * their numbers from one run to the next. A point a scenario names by hand (occurrence 0) is
     * matched on its number.
     */
    record Point(String function, String signature, int write, String name, int occurrence) {
        Point(String function, String signature, int write, String name) {
            this(function, signature, write, name, 0);
        }

        @Override
        public String toString() {
            return function + " [" + signature + "] after write " + write + ": " + name;
        }
    }

    /** Thrown by the call after which the function dies. */
    static final class Crashed extends RuntimeException {
        Crashed(String message) {
            super(message);
        }
    }

    private static final class Invocation {
        final String function;
        final String signature;
        /** Written by the invocation's thread and the virtual threads it starts (AtOnce): kept under the invocation's lock. */
        final List<String> writes = new ArrayList<>();
        volatile boolean dead;

        Invocation(String function, String signature) {
            this.function = function;
            this.signature = signature;
        }
    }

    private final ThreadLocal<Invocation> current = new ThreadLocal<>();
    /**
     * The same, as the virtual threads an invocation starts see it: a function makes independent
     * writes at once on virtual threads of its own ({@code AtOnce}), which are new for each task and
     * inherit it from the thread that starts them. A platform thread may belong to a pool that
     * outlives the invocation that started it, so it never takes an invocation by inheritance.
     */
    private final InheritableThreadLocal<Invocation> inherited = new InheritableThreadLocal<>();
    /** The writes of the first invocation of each (function, signature) since the last {@link #reset}. */
    private final Map<String, List<Point>> firsts = new LinkedHashMap<>();
    private volatile Point plan;
    private volatile Point fired;
    /** Kills arranged by a scenario, besides the planned one (each once). */
    private final List<Point> arranged = new CopyOnWriteArrayList<>();

    /** Runs one invocation of {@code function}; nested invocations (a synchronous delivery) get their own. */
    <T> T invoke(String function, String signature, Supplier<T> body) {
        Invocation outer = current.get();
        Invocation outerInherited = inherited.get();
        Invocation inv = new Invocation(function, signature);
        current.set(inv);
        inherited.set(inv);
        try {
            return body.get();
        } finally {
            synchronized (this) {
                firsts.putIfAbsent(function + " [" + signature + "]", pointsOf(inv));
            }
            current.set(outer);
            inherited.set(outerInherited);
        }
    }

    void invoke(String function, String signature, Runnable body) {
        invoke(function, signature, () -> {
            body.run();
            return null;
        });
    }

    /** Crash at {@code point} (once); {@link #fired()} tells whether it was reached. */
    synchronized void plan(Point point) {
        this.plan = point;
        this.fired = null;
    }

    synchronized void reset() {
        firsts.clear();
        plan = null;
        fired = null;
        arranged.clear();
    }

    /** Also kill at {@code point} (once), as part of a scenario: e.g. the trigger dying before it announced its run. */
    void alsoKill(Point point) {
        arranged.add(point);
    }

    Point fired() {
        return fired;
    }

    /** The writes of the first invocation of each function and signature since the last reset, in order. */
    synchronized List<Point> points(String function) {
        return firsts.values().stream().flatMap(List::stream).filter(p -> p.function().equals(function)).toList();
    }

    private static List<Point> pointsOf(Invocation inv) {
        List<Point> out = new ArrayList<>();
        synchronized (inv) {
            for (int i = 0; i < inv.writes.size(); i++) {
                String name = inv.writes.get(i);
                out.add(new Point(inv.function, inv.signature, i + 1, name, occurrences(inv.writes.subList(0, i + 1), name)));
            }
        }
        return out;
    }

    private static int occurrences(List<String> writes, String name) {
        return (int) writes.stream().filter(name::equals).count();
    }

    /** The invocation whose call this is: its own thread's, or the one a virtual thread it started inherited. */
    private Invocation invocation() {
        Invocation inv = current.get();
        return inv != null || !Thread.currentThread().isVirtual() ? inv : inherited.get();
    }

    /** Whether the write just counted, the {@code count}-th of the invocation and the {@code occurrence}-th of its name, is {@code p}. */
    private static boolean at(Point p, Invocation inv, int count, String name, int occurrence) {
        if (!p.function().equals(inv.function) || !p.signature().equals(inv.signature)) {
            return false;
        }
        return p.occurrence() > 0 ? p.name().equals(name) && p.occurrence() == occurrence : p.write() == count;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Invocation inv = invocation();
        if (inv != null && inv.dead) {
            throw new Crashed(inv.function + " is dead: no " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " after its crash");
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Invocation inv = invocation();
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (inv == null || !WRITES.contains(operation)) {
            return;
        }
        String name = describe(operation, context.request());
        int count;
        int occurrence;
        synchronized (inv) {
            inv.writes.add(name);
            count = inv.writes.size();
            occurrence = occurrences(inv.writes, name);
        }
        for (Point a : arranged) {
            if (at(a, inv, count, name, occurrence) && arranged.remove(a)) {
                inv.dead = true;
                throw new Crashed("killed (arranged) " + a);
            }
        }
        Point p = plan;
        if (p != null && fired == null && at(p, inv, count, name, occurrence)) {
            synchronized (this) {
                if (fired != null) {
                    return;
                }
                fired = p;
            }
            inv.dead = true;
            throw new Crashed("killed " + p);
        }
    }

    // ------------------------------------------------------------------ names of writes, stable across runs

    static String describe(String operation, SdkRequest request) {
        return switch (request) {
            case PutItemRequest r -> "PutItem " + key(r.item());
            case UpdateItemRequest r -> "UpdateItem " + key(r.key()) + " " + assignments(r.updateExpression(), r.expressionAttributeNames());
            case DeleteItemRequest r -> "DeleteItem " + key(r.key());
            case TransactWriteItemsRequest r -> "TransactWriteItems[" + r.transactItems().stream().map(CrashInterceptor::item)
                    .collect(Collectors.joining(", ")) + "]";
            case PutEventsRequest r -> "PutEvents " + r.entries().stream().map(PutEventsRequestEntry::detailType).distinct().collect(Collectors.joining(", "));
            case PutObjectRequest r -> "PutObject " + generalize(r.key());
            default -> operation;
        };
    }

    private static String item(TransactWriteItem t) {
        if (t.put() != null) {
            return "Put " + key(t.put().item());
        }
        if (t.update() != null) {
            return "Update " + key(t.update().key()) + " " + assignments(t.update().updateExpression(), t.update().expressionAttributeNames());
        }
        if (t.delete() != null) {
            return "Delete " + key(t.delete().key());
        }
        return "Check " + key(t.conditionCheck().key());
    }

    /** {@code A#core.orders} / {@code S#2026-05-26} as {@code A#…/S#…}: the item's kind, not its identity. */
    private static String key(Map<String, AttributeValue> item) {
        return part(item.get("PK").s()) + "/" + part(item.get("SK").s());
    }

    private static String part(String key) {
        int hash = key.indexOf('#');
        if (hash >= 0) {
            return key.substring(0, hash + 1) + "…";
        }
        return key.matches("[A-Z]+") ? key : "…";
    }

    private static final Pattern ASSIGNED = Pattern.compile("([#A-Za-z][#\\w]*)\\s*=");
    private static final Pattern ADDED_OR_REMOVED = Pattern.compile("\\b(ADD|REMOVE)\\s+([#\\w]+(\\s*,\\s*[#\\w]+)*)");

    /** The attributes an update expression sets, adds or removes: which step of the protocol it is. */
    private static String assignments(String expression, Map<String, String> names) {
        List<String> out = new ArrayList<>();
        Matcher m = ASSIGNED.matcher(expression);
        while (m.find()) {
            out.add(names.getOrDefault(m.group(1), m.group(1)));
        }
        Matcher a = ADDED_OR_REMOVED.matcher(expression);
        while (a.find()) {
            for (String n : a.group(2).split("\\s*,\\s*")) {
                out.add(a.group(1).charAt(0) == 'A' ? "+" + names.getOrDefault(n, n) : "-" + names.getOrDefault(n, n));
            }
        }
        return "{" + String.join(",", out) + "}";
    }

    private static String generalize(String key) {
        return key.replaceAll("date=\\d{4}-\\d{2}-\\d{2}", "date=…").replaceAll("run=[^/]+", "run=…").replaceAll("attempt=\\d+", "attempt=…")
                .replaceAll("run-[0-9a-f]{8,}-", "run-…-"); // a run's id differs from day to day: the write's kind is the same
    }
}
