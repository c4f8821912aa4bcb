package io.freshet.s3events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.MalformedEventException;

/**
 * Reads S3 object notifications in the two shapes AWS delivers them: the EventBridge
 * {@code Object Created} event (what template.yaml wires) and the classic {@code Records}
 * notification (S3 -> Lambda, SNS or SQS directly). Keys arrive URL-encoded in both ({@code +} is
 * a space, {@code %2B} a plus) and are decoded here. Anything that is not an object creation is
 * skipped; anything malformed fails with the reason, so it reaches the dead-letter queue.
 */
public final class S3Notifications {

    private S3Notifications() {
    }

    public static List<ObjectCreated> parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("expected a JSON object: an EventBridge 'Object Created' event or S3 'Records'");
        }
        if (root.has("Records")) {
            return records(root.get("Records"));
        }
        if (root.has("detail-type")) {
            return eventBridge(root);
        }
        throw new MalformedEventException("neither an EventBridge event (no 'detail-type') nor an S3 notification (no 'Records')");
    }

    private static List<ObjectCreated> eventBridge(JsonNode e) {
        String detailType = text(e, "detail-type", "event");
        if (!detailType.equals("Object Created")) {
            return List.of(); // deletions and restores do not change what Freshet reads
        }
        if (!"aws.s3".equals(e.path("source").asText())) {
            throw new MalformedEventException("an 'Object Created' event from source '" + e.path("source").asText() + "', expected aws.s3");
        }
        JsonNode d = e.path("detail");
        JsonNode object = d.path("object");
        return List.of(new ObjectCreated(
                text(d.path("bucket"), "name", "detail.bucket"),
                decode(text(object, "key", "detail.object")),
                optionalText(object, "version-id"),
                object.path("etag").asText(""),
                object.path("size").asLong(0),
                text(object, "sequencer", "detail.object"),
                time(text(e, "time", "event"))));
    }

    private static List<ObjectCreated> records(JsonNode records) {
        if (!records.isArray()) {
            throw new MalformedEventException("'Records' must be a list");
        }
        List<ObjectCreated> out = new ArrayList<>();
        for (JsonNode r : records) {
            if (r.has("Sns") || r.has("body")) {
                throw new MalformedEventException("an SNS or SQS wrapper: unwrap the S3 notification before sending it here");
            }
            String name = text(r, "eventName", "record");
            if (!name.startsWith("ObjectCreated:")) {
                continue; // s3:TestEvent, ObjectRemoved:*, ...
            }
            JsonNode s3 = r.path("s3");
            JsonNode object = s3.path("object");
            out.add(new ObjectCreated(
                    text(s3.path("bucket"), "name", "s3.bucket"),
                    decode(text(object, "key", "s3.object")),
                    optionalText(object, "versionId"),
                    object.path("eTag").asText(""),
                    object.path("size").asLong(0),
                    text(object, "sequencer", "s3.object"),
                    time(text(r, "eventTime", "record"))));
        }
        return out;
    }

    /** S3 form-encodes keys: {@code +} is a space, {@code %2B} a plus, {@code %3D} an equals sign. */
    static String decode(String key) {
        try {
            String decoded = URLDecoder.decode(key, StandardCharsets.UTF_8);
            if (decoded.isEmpty()) {
                throw new MalformedEventException("the object key is empty");
            }
            return decoded;
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("the object key '" + key + "' is not valid URL encoding: each % must be followed by two hex digits");
        }
    }

    private static Instant time(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("'" + text + "' is not an ISO-8601 time");
        }
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new MalformedEventException("missing or empty '" + field + "' in " + where);
        }
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() && !v.asText().equals("null") ? Optional.of(v.asText()) : Optional.empty();
    }
}
