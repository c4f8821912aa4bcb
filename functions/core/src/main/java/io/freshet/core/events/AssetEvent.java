package io.freshet.core.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable record that an asset's partition changed. Consumers read exactly the
 * {@code objects} it names, so a half-written prefix is never read.
 *
 * @param eventId     unique and deterministic for its cause (the same S3 object version gives the
 *                    same id), which makes every write of it idempotent
 * @param partition   the partition key ({@code ""} for an unpartitioned asset)
 * @param dataVersion what identifies the data: an object's version id or ETag, or a content hash
 * @param codeVersion the code version of the producing pipeline; empty for sources
 * @param objects     the exact objects written, as {@code s3://bucket/key}
 * @param metadata    rows, bytes, schema hash, check results, watermark: whatever the producer measured
 */
public record AssetEvent(
        String eventId,
        String asset,
        String partition,
        Instant time,
        Producer producer,
        String dataVersion,
        Optional<String> codeVersion,
        List<String> objects,
        Map<String, String> metadata) {

    public AssetEvent {
        objects = List.copyOf(objects);
        metadata = Map.copyOf(metadata);
    }
}
