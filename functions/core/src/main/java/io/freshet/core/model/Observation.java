package io.freshet.core.model;

import java.time.Duration;
import java.util.Optional;

import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.Values;

/**
 * How the minute tick watches a PostgreSQL source for changes ({@code observe:} on the source,
 * docs/pipelines.md "Observed sources"): every {@link #every()} it reads one value from the
 * database, and a value different from the last one observed becomes one asset event of the
 * source, so its consumers run on the database's own updates instead of a blind schedule.
 */
public sealed interface Observation permits Observation.Query, Observation.Changes, Observation.Listing {

    /** The observed source's asset name. */
    String source();

    /** The source's connection name (credentials by name, never in YAML); empty for a {@link Listing}, which reads its bucket. */
    String connection();

    /** How often to observe: at least a minute, the tick's period. */
    Duration every();

    SourcePos pos();

    /** What the observation reads, for logs and the failure report. */
    String describe();

    /** A single SELECT whose first row (every column, as text) is the observed value. */
    record Query(String source, String connection, String sql, Duration every, SourcePos pos) implements Observation {
        @Override
        public String describe() {
            return "query " + sql;
        }
    }

    /**
     * The catalog's write counters of one table, {@code n_tup_ins + n_tup_upd + n_tup_del} of
     * {@code pg_stat_user_tables}: free to read, no access to the table's rows needed.
     */
    record Changes(String source, String connection, String schema, String table, Duration every, SourcePos pos) implements Observation {
        @Override
        public String describe() {
            return "changes of " + schema + "." + table;
        }
    }

    /**
     * An S3 source whose objects arrive without the lake bucket's notifications, observed by
     * listing its location ({@code observe: {list: true, every: 5m}}): each tick lists what is new
     * since a cursor kept in the state table and records each new object (or object with new
     * content) as one asset event, as its notification would (docs/architecture.md, "Observed S3
     * sources").
     *
     * @param lookback how far back a partitioned source's partitions are listed (from the tick's
     *     instant); empty for an unpartitioned source, whose whole location is listed
     */
    record Listing(String source, Duration every, Optional<Duration> lookback, SourcePos pos) implements Observation {
        @Override
        public String connection() {
            return "";
        }

        @Override
        public String describe() {
            return "listing" + lookback.map(l -> " of the partitions of the last " + Values.formatDuration(l)).orElse("");
        }
    }
}
