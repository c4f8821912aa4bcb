package io.freshet.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The EventBridge {@code Object Created} and {@code Object Deleted} events of {@link LocalS3}, shaped as S3 sends them to
 * EventBridge (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
 */
final class LocalS3Events {

    static final String ACCOUNT = "000000000000";
    static final String REGION = "eu-central-1";

    /**
     * One clock for every LocalS3 in the JVM: sequencers only grow, across instances too, so a
     * consumer that outlives one LocalS3 (a DynamoDB Local fed by several) still orders writes.
     * Seeded from the wall clock in microseconds, then max(previous + 1, now).
     */
    private static final AtomicLong LAST_SEQUENCER = new AtomicLong();

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] REQUEST_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private final Clock clock;

    LocalS3Events(Clock clock) {
        this.clock = clock;
    }

    /**
     * The next sequencer: 18 upper-case hex digits, as S3's own ({@code 0064D3901D00059242}).
     * Fixed width, so comparing them as text (S3's rule: right-pad the shorter with zeros, then
     * compare) and as numbers agree. Strictly increasing within the JVM.
     */
    static String nextSequencer() {
        long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long value = LAST_SEQUENCER.updateAndGet(previous -> Math.max(previous + 1, now));
        return "%018X".formatted(value);
    }

    /**
     * A key as S3 writes it into its event notifications: form encoding of UTF-8 ({@code ' '} ->
     * {@code +}, {@code +} -> {@code %2B}, {@code =} -> {@code %3D}, {@code :} -> {@code %3A},
     * non-ASCII as percent-encoded UTF-8 bytes) with the slashes kept. {@code URLDecoder.decode(k,
     * UTF_8)} gives the key back.
     */
    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /** An ETag as S3 puts it in events: without the quotes of the HTTP header. */
    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** The event for one completed write; {@code versionId} is left out when null, as S3 does for unversioned buckets. */
    String objectCreated(String bucket, String key, long size, String etag, String versionId, String sequencer, String reason) {
        ObjectNode event = Json.object();
        ObjectNode detail = envelope(event, "Object Created", bucket, key, versionId, sequencer, reason);
        ObjectNode object = (ObjectNode) detail.get("object");
        object.put("size", size);
        object.put("etag", unquote(etag));
        return Json.write(event);
    }

    /**
     * The event for one deletion: {@code Delete Marker Created} with the marker's version id on a
     * versioned bucket when no version was named, else {@code Permanently Deleted} (with the
     * version deleted, if one was named). S3 sends no etag or size for deletions.
     */
    String objectDeleted(String bucket, String key, String versionId, boolean deleteMarker, String sequencer) {
        ObjectNode event = Json.object();
        ObjectNode detail = envelope(event, "Object Deleted", bucket, key, versionId, sequencer, "DeleteObject");
        detail.put("deletion-type", deleteMarker ? "Delete Marker Created" : "Permanently Deleted");
        return Json.write(event);
    }

    /** What every S3 object event carries, written into {@code event}; returns its detail. */
    private ObjectNode envelope(ObjectNode event, String detailType, String bucket, String key, String versionId,
                                String sequencer, String reason) {
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", detailType);
        event.put("source", "aws.s3");
        event.put("account", ACCOUNT);
        event.put("time", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", REGION);
        event.putArray("resources").add("arn:aws:s3:::" + bucket);
        ObjectNode detail = event.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        ObjectNode object = detail.putObject("object");
        object.put("key", encodeKey(key));
        if (versionId != null && !versionId.isEmpty() && !"null".equals(versionId)) {
            object.put("version-id", versionId);
        }
        object.put("sequencer", sequencer);
        detail.put("request-id", requestId());
        detail.put("requester", ACCOUNT);
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", reason);
        return detail;
    }

    /** 16 characters of [0-9A-Z], the shape of S3's x-amz-request-id. */
    private static String requestId() {
        char[] id = new char[16];
        for (int i = 0; i < id.length; i++) {
            id[i] = REQUEST_ID_ALPHABET[RANDOM.nextInt(REQUEST_ID_ALPHABET.length)];
        }
        return new String(id);
    }
}
