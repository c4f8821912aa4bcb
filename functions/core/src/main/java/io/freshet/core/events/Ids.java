package io.freshet.core.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Deterministic ids: the same cause always gets the same id, so retries and redeliveries collapse. */
public final class Ids {

    private Ids() {
    }

    /** The first {@code hexDigits} hex digits of SHA-256 over the parts, each length-prefixed so no two lists collide. */
    public static String hash(int hexDigits, List<String> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
                sha.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, hexDigits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The event id of an S3 object notification. S3 may deliver one notification more than once;
     * bucket, key, version (or ETag when unversioned) and sequencer identify the write itself.
     */
    public static String s3Event(String bucket, String key, String versionOrEtag, String sequencer) {
        return "s3-" + hash(24, List.of(bucket, key, versionOrEtag, sequencer));
    }

    /**
     * The event id of one version of an object of a source, on a versioned bucket: the version id
     * names the write by itself, so its notification (s3-events) and an announcement by its
     * producer (which HeadObject can tell the version, not S3's sequencer) get the same id and
     * record once, whichever arrives first.
     */
    public static String objectVersion(String bucket, String key, String versionId, String asset) {
        return "s3-" + hash(24, List.of("object-version", bucket, key, versionId, asset));
    }

    /**
     * The event id of an object's content at a key of a source observed by listing
     * ({@code observe: {list: true}}): a listing knows neither S3's sequencer nor the version id,
     * only the ETag, so the listing and a notification of the same write (s3-events, for such a
     * source) both derive the id from the content and from the key's previous recorded change,
     * which makes content that comes back (A, B, A) a change each time ({@link ListedObjects}).
     */
    public static String listedObject(String asset, String bucket, String key, String etag, String previousEventId) {
        return "s3-" + hash(24, List.of("listed-object", asset, bucket, key, etag, previousEventId));
    }

    /** A run's id: derived from what it consumes, so two evaluations that agree create one run. */
    public static String run(String pipeline, String partition, List<String> consumedEventIds) {
        List<String> parts = new ArrayList<>(List.of(pipeline, partition));
        consumedEventIds.stream().sorted().forEach(parts::add);
        return "run-" + hash(24, parts);
    }

    /** The id of the event a run records for one of its outputs: the same on every attempt, so it is recorded once. */
    public static String runOutput(String runId, String asset) {
        return hash(24, List.of("run-output", runId, asset));
    }

    /** The event a run records for one key of a dynamically keyed output: one per key value, the same on every attempt. */
    public static String runOutputKey(String runId, String asset, String column, String value) {
        return hash(24, List.of("run-output-key", runId, asset, column, value));
    }
}
