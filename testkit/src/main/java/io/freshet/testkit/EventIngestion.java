package io.freshet.testkit;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * PutEvents as AWS does it: the request's limits (1 to 10 entries, at most 256 KB counted as AWS
 * counts entry sizes), each entry checked on its own (a bad entry fails with an ErrorCode while the
 * others go through), accepted entries wrapped in the envelope targets receive, logged per bus,
 * matched against the bus's rules and handed to {@link Deliveries}.
 */
final class EventIngestion {

    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = 256 * 1024;

    private final RuleRegistry rules;
    private final Deliveries deliveries;
    private final Clock clock;
    private final Deque<String> injectedFailures = new ArrayDeque<>();
    private final Map<String, List<String>> accepted = new ConcurrentHashMap<>();

    EventIngestion(RuleRegistry rules, Deliveries deliveries, Clock clock) {
        this.rules = rules;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    /** The next {@code n} entries that would be accepted fail with {@code errorCode} instead. */
    synchronized void failNextEntries(int n, String errorCode) {
        if (n < 0 || errorCode == null || errorCode.isBlank()) {
            throw new IllegalArgumentException("failNextEntries needs n >= 0 and an error code: " + n + ", " + errorCode);
        }
        for (int i = 0; i < n; i++) {
            injectedFailures.add(errorCode);
        }
    }

    /** Every envelope accepted on {@code bus}, oldest first. */
    List<String> events(String bus) {
        List<String> log = accepted.get(Names.bus(bus));
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    JsonNode putEvents(JsonNode request) {
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw ApiError.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                    + "Member must have length between 1 and " + MAX_ENTRIES + " (got " + entries.size() + ")");
        }
        long size = 0;
        for (JsonNode entry : entries) {
            size += entrySize(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw ApiError.validation("Total size of the entries in the request is over the limit (" + size + " > " + MAX_REQUEST_BYTES + " bytes).");
        }
        ObjectNode response = Json.object();
        ArrayNode results = Json.MAPPER.createArrayNode();
        int failed = 0;
        for (JsonNode entry : entries) {
            ObjectNode result = accept(entry);
            if (result.has("ErrorCode")) {
                failed++;
            }
            results.add(result);
        }
        return response.put("FailedEntryCount", failed).set("Entries", results);
    }

    /**
     * An entry's size as AWS documents it: the UTF-8 bytes of Source, DetailType, Detail and each
     * Resource, plus 14 when Time is set.
     */
    static long entrySize(JsonNode entry) {
        long size = entry.hasNonNull("Time") ? 14 : 0;
        size += utf8(Json.text(entry, "Source")) + utf8(Json.text(entry, "DetailType")) + utf8(Json.text(entry, "Detail"));
        for (JsonNode resource : entry.path("Resources")) {
            size += utf8(resource.asText());
        }
        return size;
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private ObjectNode accept(JsonNode entry) {
        String source = Json.text(entry, "Source");
        String detailType = Json.text(entry, "DetailType");
        String detailText = Json.text(entry, "Detail");
        if (source == null || source.isBlank()) {
            return failure("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }
        if (detailType == null || detailType.isBlank()) {
            return failure("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }
        if (detailText == null) {
            return failure("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        JsonNode detail = Json.parseOrNull(detailText);
        if (detail == null || !detail.isObject()) {
            return failure("MalformedDetail", "Detail is malformed.");
        }
        Instant time;
        try {
            time = time(entry.get("Time"));
        } catch (DateTimeParseException | ArithmeticException e) {
            return failure("InvalidArgument", "Parameter Time is not valid.");
        }
        String injected = nextInjectedFailure();
        if (injected != null) {
            return failure(injected, "injected by LocalEventBridge.failNextEntries");
        }

        String bus = Names.bus(Json.text(entry, "EventBusName"));
        String id = UUID.randomUUID().toString();
        ObjectNode envelope = envelope(id, source, detailType, time, entry.path("Resources"), detail);
        log(bus, Json.write(envelope));
        Instant ingestion = clock.instant();
        for (RuleRegistry.Route route : rules.routes(bus, envelope)) {
            String input = route.target().input().render(new InputTransformer.Context(route.rule(), envelope, ingestion));
            deliveries.dispatch(new Deliveries.Task(route.rule(), route.target(), input));
        }
        return Json.object().put("EventId", id);
    }

    private synchronized String nextInjectedFailure() {
        return injectedFailures.poll();
    }

    /** The envelope Lambda and every other target receive, fields in AWS's order. */
    private static ObjectNode envelope(String id, String source, String detailType, Instant time, JsonNode resources, JsonNode detail) {
        ObjectNode e = Json.object();
        e.put("version", "0");
        e.put("id", id);
        e.put("detail-type", detailType);
        e.put("source", source);
        e.put("account", Names.ACCOUNT);
        e.put("time", DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS)));
        e.put("region", Names.REGION);
        ArrayNode r = e.putArray("resources");
        resources.forEach(x -> r.add(x.asText()));
        e.set("detail", detail);
        return e;
    }

    /** The JSON 1.1 protocol sends timestamps as epoch seconds, possibly with a fraction. */
    private Instant time(JsonNode value) {
        if (value == null || value.isNull()) {
            return clock.instant();
        }
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            long whole = seconds.longValue();
            int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
            return Instant.ofEpochSecond(whole, nanos);
        }
        return Instant.parse(value.asText());
    }

    private void log(String bus, String envelope) {
        List<String> log = accepted.computeIfAbsent(bus, b -> Collections.synchronizedList(new ArrayList<>()));
        log.add(envelope);
    }

    private static ObjectNode failure(String code, String message) {
        return Json.object().put("ErrorCode", code).put("ErrorMessage", message);
    }
}
