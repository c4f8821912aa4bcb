package io.freshet.s3events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.MalformedEventException;

/**
 * Reads S3 object notifications in the two shapes AWS delivers them: the EventBridge
 * {@code Object Created} and {@code Object Deleted} events (what template.yaml wires) and the
 * classic {@code Records} notification (S3 -> Lambda, SNS or SQS directly). Keys arrive
 * URL-encoded in both ({@code +} is a space, {@code %2B} a plus) and are decoded here.
 *
 * <p>Other notifications (restores, tagging, S3's {@code s3:TestEvent} sent when a notification
 * is configured) change nothing Freshet reads and are skipped. Each record is read on its own: a
 * malformed one is {@linkplain Parsed#rejected() rejected with its index} and the others are kept.
 * Only a message that is not a notification at all fails as a whole.
 */
public final class S3Notifications {

    private S3Notifications() {
    }

    /** A change and its index among the notification's records (0 for an EventBridge event). */
    public record Indexed(int index, ObjectChange change) {
    }

    /** A record that could not be read: its index and why. */
    public record Rejected(int index, String reason) {
    }

    /** What a notification holds: the changes read, the records rejected, and how many records it had. */
    public record Parsed(List<Indexed> changes, List<Rejected> rejected, int records, boolean isRecords) {
        public Parsed {
            changes = List.copyOf(changes);
            rejected = List.copyOf(rejected);
        }

        /** The changes alone, for callers that do not care about indexes. */
        public List<ObjectChange> all() {
            return changes.stream().map(Indexed::change).toList();
        }
    }

    public static Parsed parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("expected a JSON object: an EventBridge 'Object Created' event or S3 'Records'");
        }
        if (root.has("Records")) {
            return records(root.get("Records"));
        }
        if (root.has("detail-type")) {
            return new Parsed(eventBridge(root).map(c -> List.of(new Indexed(0, c))).orElse(List.of()), List.of(), 1, false);
        }
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return new Parsed(List.of(), List.of(), 0, false); // S3 checks the destination when a notification is configured
        }
        throw new MalformedEventException("neither an EventBridge event (no 'detail-type') nor an S3 notification (no 'Records')");
    }

    private static Optional<ObjectChange> eventBridge(JsonNode e) {
        String detailType = text(e, "detail-type", "event");
        boolean created = detailType.equals("Object Created");
        if (!created && !detailType.equals("Object Deleted")) {
            return Optional.empty(); // restores, tags, ACLs, storage class changes: the data is the same
        }
        if (!"aws.s3".equals(e.path("source").asText())) {
            throw new MalformedEventException("an '" + detailType + "' event from source '" + e.path("source").asText() + "', expected aws.s3");
        }
        JsonNode d = e.path("detail");
        JsonNode object = d.path("object");
        String bucket = text(d.path("bucket"), "name", "detail.bucket");
        String key = decode(text(object, "key", "detail.object"));
        Optional<String> version = optionalText(object, "version-id");
        String sequencer = text(object, "sequencer", "detail.object");
        Instant time = time(text(e, "time", "event"));
        if (created) {
            return Optional.of(new ObjectCreated(bucket, key, version, object.path("etag").asText(""), object.path("size").asLong(0), sequencer, time));
        }
        // "Delete Marker Created" or "Permanently Deleted" (of version-id, or of the object when unversioned).
        boolean marker = d.path("deletion-type").asText("").equals("Delete Marker Created");
        return Optional.of(new ObjectDeleted(bucket, key, version, sequencer, marker, time));
    }

    private static Parsed records(JsonNode records) {
        if (!records.isArray()) {
            throw new MalformedEventException("'Records' must be a list");
        }
        List<Indexed> out = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            int index = i;
            try {
                record(records.get(i)).ifPresent(c -> out.add(new Indexed(index, c)));
            } catch (MalformedEventException e) {
                rejected.add(new Rejected(i, e.getMessage()));
            }
        }
        return new Parsed(out, rejected, records.size(), true);
    }

    private static Optional<ObjectChange> record(JsonNode r) {
        if (!r.isObject()) {
            throw new MalformedEventException("a record must be a JSON object, got " + r.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        if (r.has("Sns") || r.has("body")) {
            throw new MalformedEventException("an SNS or SQS wrapper: unwrap the S3 notification before sending it here");
        }
        String name = text(r, "eventName", "record");
        // ObjectRemoved:Delete / :DeleteMarkerCreated, and the same under LifecycleExpiration:.
        boolean created = name.startsWith("ObjectCreated:");
        boolean removed = name.startsWith("ObjectRemoved:") || name.equals("LifecycleExpiration:Delete")
                || name.equals("LifecycleExpiration:DeleteMarkerCreated");
        if (!created && !removed) {
            return Optional.empty(); // s3:TestEvent, ObjectRestore:*, ObjectTagging:*, ...
        }
        JsonNode s3 = r.path("s3");
        JsonNode object = s3.path("object");
        String bucket = text(s3.path("bucket"), "name", "s3.bucket");
        String key = decode(text(object, "key", "s3.object"));
        Optional<String> version = optionalText(object, "versionId");
        String sequencer = text(object, "sequencer", "s3.object");
        Instant time = time(text(r, "eventTime", "record"));
        if (created) {
            return Optional.of(new ObjectCreated(bucket, key, version, object.path("eTag").asText(""), object.path("size").asLong(0), sequencer, time));
        }
        return Optional.of(new ObjectDeleted(bucket, key, version, sequencer, name.endsWith("DeleteMarkerCreated"), time));
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
