package io.freshet.emit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;

/**
 * Reads announcements in their two documented shapes (docs/producers.md): the bus event
 * {@code Asset Observed} from source {@code freshet.producer}, whose caller is the account
 * EventBridge stamps on it, and a function URL request (payload format 2.0), whose caller is the
 * principal that signed it ({@code requestContext.authorizer.iam.userArn}). Both carry the same
 * body: {@code {"asset", "partition"?, "objects": [...], "metadata"?: {...}}}.
 */
public final class Announcements {

    /** The bus event's source and detail type. */
    public static final String SOURCE = "freshet.producer";
    public static final String DETAIL_TYPE = "Asset Observed";

    /** At most this many objects per announcement: each is a HeadObject and a recorded event. */
    public static final int MAX_OBJECTS = 100;
    static final int MAX_METADATA = 20;
    private static final Set<String> BODY_FIELDS = Set.of("asset", "partition", "objects", "metadata");

    private Announcements() {
    }

    /** Whether {@code root} is a function URL request (else a bus event). */
    public static boolean isHttpRequest(JsonNode root) {
        return root.has("requestContext") && root.path("requestContext").has("http");
    }

    public static Announcement fromBusEvent(JsonNode e) {
        if (!DETAIL_TYPE.equals(e.path("detail-type").asText()) || !SOURCE.equals(e.path("source").asText())) {
            throw malformed("expected an '" + DETAIL_TYPE + "' event from source '" + SOURCE + "', got '"
                    + e.path("detail-type").asText() + "' from '" + e.path("source").asText() + "'");
        }
        String account = e.path("account").asText("");
        if (!account.matches("[0-9]{12}")) {
            throw malformed("the event names no account (EventBridge sets 'account' to the sender's)");
        }
        return body(e.path("detail"), new Announcement.Account(account));
    }

    /** A function URL request: POST with the announcement as its JSON body, signed (AuthType AWS_IAM). */
    public static Announcement fromHttpRequest(JsonNode request) {
        JsonNode context = request.path("requestContext");
        String method = context.path("http").path("method").asText("");
        if (!method.equals("POST")) {
            throw new AnnouncementRejectedException(405, "POST the announcement as JSON, not " + (method.isEmpty() ? "nothing" : method));
        }
        String caller = context.path("authorizer").path("iam").path("userArn").asText("");
        if (caller.isEmpty()) {
            throw new AnnouncementRejectedException(AnnouncementRejectedException.NOT_ALLOWED,
                    "the request is not signed: sign it with SigV4 (service lambda), see docs/producers.md");
        }
        String body = request.path("body").asText("");
        if (request.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw malformed("the body is marked base64 but is not");
            }
        }
        JsonNode json;
        try {
            json = EventJson.read(body);
        } catch (MalformedEventException e) {
            throw malformed("the body is not JSON: " + e.getMessage());
        }
        return body(json, new Announcement.Principal(caller));
    }

    private static Announcement body(JsonNode b, Announcement.Caller caller) {
        if (!b.isObject()) {
            throw malformed("the announcement must be a JSON object with 'asset' and 'objects'");
        }
        for (Iterator<String> names = b.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!BODY_FIELDS.contains(name)) {
                throw malformed("unknown field '" + name + "': an announcement has asset, partition, objects and metadata");
            }
        }
        String asset = text(b, "asset").orElseThrow(() -> malformed("missing 'asset'"));
        Optional<String> partition = text(b, "partition");
        JsonNode objects = b.path("objects");
        if (!objects.isArray() || objects.isEmpty()) {
            throw malformed("'objects' must list at least one s3://bucket/key");
        }
        if (objects.size() > MAX_OBJECTS) {
            throw malformed("'objects' lists " + objects.size() + " objects; at most " + MAX_OBJECTS + " per announcement");
        }
        List<String> uris = new ArrayList<>();
        for (JsonNode o : objects) {
            if (!o.isTextual()) {
                throw malformed("each object must be a string s3://bucket/key");
            }
            uris.add(o.asText());
        }
        return new Announcement(asset, partition, uris, metadata(b.path("metadata")), caller);
    }

    private static Map<String, String> metadata(JsonNode m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m.isMissingNode() || m.isNull()) {
            return out;
        }
        if (!m.isObject() || m.size() > MAX_METADATA) {
            throw malformed("'metadata' must be an object of at most " + MAX_METADATA + " string values");
        }
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw malformed("metadata '" + e.getKey() + "' must be a string, number or boolean");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Optional<String> text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw malformed("'" + field + "' must be a non-empty string");
        }
        return Optional.of(v.asText());
    }

    private static AnnouncementRejectedException malformed(String reason) {
        return new AnnouncementRejectedException(AnnouncementRejectedException.MALFORMED, reason);
    }
}
