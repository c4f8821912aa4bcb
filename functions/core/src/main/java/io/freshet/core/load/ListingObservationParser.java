package io.freshet.core.load;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import io.freshet.core.model.Observation;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Reads an S3 source's {@code observe:} (docs/pipelines.md, "Observed S3 sources"):
 * {@code {list: true, every: 5m}}, with {@code lookback: 2d} on a partitioned source. Its
 * mistakes are located: {@code list} missing or not {@code true}, {@code every} missing or under a
 * minute, a PostgreSQL observation ({@code query}, {@code changes}) on an S3 source, a lookback on
 * an unpartitioned source or one reaching over too many partitions, a {@code complete_when} source
 * or one with {@code allowed_producers}.
 */
final class ListingObservationParser {

    /** The partitions a tick lists at most per source: each is one LIST request (or more, paginated). */
    static final int MAX_LISTED_PARTITIONS = 200;
    /** A partitioned source's lookback when none is given: today's and yesterday's partitions, and any hour of the last day. */
    static final Duration DEFAULT_LOOKBACK = Duration.ofDays(1);

    private final Diagnostics out;
    private final Function<YNode, Optional<Duration>> every;

    ListingObservationParser(Diagnostics out, Function<YNode, Optional<Duration>> every) {
        this.out = out;
        this.every = every;
    }

    /**
     * What else the source declares that a listing cannot go with.
     *
     * @param completeWhen a completion marker: its notification announces the partition
     * @param announced {@code allowed_producers}: an announcement records the object's version id, a listing its content
     */
    record Refusals(boolean completeWhen, boolean announced) {
    }

    /** The listing of source {@code source} whose location implies {@code grain}; empty when it had mistakes (reported). */
    Optional<Observation.Listing> parse(String source, PartitionGrain grain, Refusals refusals, SourcePos keyPos, YNode node) {
        Optional<MapReader> read = MapReader.of(node, "'observe' of source '" + source + "'", out);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = read.get();
        boolean ok = true;
        for (String pgKey : new String[] {"query", "changes"}) {
            if (r.has(pgKey)) {
                out.error(r.keyPos(pgKey), "'" + pgKey + "' observes a PostgreSQL source; S3 source '" + source
                        + "' is observed by listing its location: observe: {list: true, every: 5m}");
                ok = false;
            }
        }
        Optional<YNode> list = r.has("query") || r.has("changes") ? r.get("list") : r.required("list");
        if (list.isPresent()) {
            Optional<Boolean> value = Values.bool(list.get(), "'list'", out);
            if (value.isPresent() && !value.get()) {
                out.error(list.get().pos(), "'list: false' observes nothing: leave 'observe' out, the lake bucket's notifications"
                        + " announce the source's files");
            }
            ok &= value.orElse(false);
        } else {
            ok = false;
        }
        Optional<Duration> period = r.required("every").flatMap(every);
        Optional<Duration> lookback = r.get("lookback").flatMap(n -> lookback(source, grain, n));
        if (r.has("lookback") && lookback.isEmpty()) {
            ok = false;
        }
        ok &= accepted(source, refusals, keyPos);
        r.finish();
        if (!ok || period.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> effective = grain == PartitionGrain.NONE ? Optional.empty() : Optional.of(lookback.orElse(DEFAULT_LOOKBACK));
        return Optional.of(new Observation.Listing(source, period.get(), effective, r.pos()));
    }

    /** False, with the reasons reported, when the source declares what a listing cannot go with. */
    private boolean accepted(String source, Refusals refusals, SourcePos keyPos) {
        if (refusals.completeWhen()) {
            out.error(keyPos, "'observe' by listing does not take source '" + source + "', which completes its partitions with a"
                    + " marker (complete_when): its marker's notification announces the partition");
        }
        if (refusals.announced()) {
            out.error(keyPos, "'observe' by listing does not take source '" + source + "', which its producers announce"
                    + " (allowed_producers): an announcement names the object's version, a listing only its content, and one"
                    + " write would be recorded twice; keep one of the two");
        }
        return !refusals.completeWhen() && !refusals.announced();
    }

    private Optional<Duration> lookback(String source, PartitionGrain grain, YNode node) {
        if (grain == PartitionGrain.NONE) {
            out.error(node.pos(), "'lookback' chooses which partitions are listed; source '" + source
                    + "' is not partitioned: its whole location is listed");
            return Optional.empty();
        }
        return Values.duration(node, "'lookback'", out).filter(d -> {
            Duration grainLength = grain == PartitionGrain.HOURLY ? Duration.ofHours(1) : Duration.ofDays(1);
            long partitions = d.dividedBy(grainLength) + 2;
            if (d.isZero() || d.isNegative()) {
                out.error(node.pos(), "'lookback' must be positive, got " + Values.formatDuration(d));
                return false;
            }
            if (partitions > MAX_LISTED_PARTITIONS) {
                out.error(node.pos(), "'lookback' " + Values.formatDuration(d) + " lists up to " + partitions + " " + grain.yamlName()
                        + " partitions per observation; at most " + MAX_LISTED_PARTITIONS + " are listed");
                return false;
            }
            return true;
        });
    }
}
