package io.freshet.core.load;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import io.freshet.core.model.Input;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.PostgresRead;
import io.freshet.core.model.Source;
import io.freshet.core.model.Step;
import io.freshet.core.yaml.Diagnostics;

/**
 * How a pipeline may use a PostgreSQL source: a connection only is read by a snapshot step of the
 * pipeline; a table or query is read by its SQL steps and checks as a view, and a query must bound
 * a partitioned pipeline's partition with its placeholders (else every partition would read the
 * same rows) and may not use the partition's placeholders when there is no partition.
 */
final class PostgresInputRules {

    private final Diagnostics out;

    PostgresInputRules(Diagnostics out) {
        this.out = out;
    }

    /** Checks input {@code in} of {@code p}, a PostgreSQL source. */
    void input(Pipeline p, Input in, Source.Postgres source) {
        if (in.declaredMapping().isPresent()) {
            out.error(in.pos(), "'mapping' does not apply to a PostgreSQL source: " + (source.read().isPresent()
                    ? "a run reads the database as it is when it runs" : "a snapshot reads the database as it is at the run"));
        }
        if (source.read().isEmpty()) {
            boolean snapshotted = p.steps().stream().anyMatch(s -> s instanceof Step.Snapshot snap && snap.source().equals(in.asset()));
            if (!snapshotted) {
                out.error(in.pos(), "input '" + in.asset() + "' is a PostgreSQL source: only a 'snapshot' step reads it, and no snapshot step of this"
                        + " pipeline names it (to read it in SQL, give the source a 'table' or a 'query')");
            }
            return;
        }
        if (source.read().get() instanceof PostgresRead.Query q) {
            List<String> partitionNames = PostgresSourceParser.partitionPlaceholders();
            boolean bounded = q.placeholders().stream().anyMatch(partitionNames::contains);
            if (p.partitioning().isPartitioned() && !bounded) {
                out.error(in.pos(), "input '" + in.asset() + "' is a query with no partition placeholder, but pipeline '" + p.name() + "' is "
                        + ProjectValidator.words(p.partitioning().grain()) + ": every partition would read the same rows; bound the query"
                        + " (at " + q.pos() + ") with {partition_start} and {partition_end}, or {partition}");
            } else if (!p.partitioning().isPartitioned() && bounded) {
                String used = q.placeholders().stream().filter(partitionNames::contains).map(n -> "{" + n + "}").findFirst().orElseThrow();
                out.error(in.pos(), "input '" + in.asset() + "' is a query using " + used + " (at " + q.pos() + "), but pipeline '" + p.name()
                        + "' is not partitioned: it has no partition to bind");
            }
        }
    }

    /** A snapshot step reads a connection; a source naming a table or a query is read in SQL. */
    void snapshotSource(Step.Snapshot snap, Source.Postgres source) {
        if (source.read().isPresent()) {
            out.error(snap.pos(), "snapshot source '" + snap.source() + "' names a " + (source.read().get() instanceof PostgresRead.Table ? "table" : "query")
                    + " (at " + source.read().get().pos() + "): SQL steps read it as a view; a snapshot reads a source that names only a"
                    + " connection (its tables are listed in the step)");
        }
    }

    /** The message for a condition naming a PostgreSQL source. */
    static String conditionMessage(String asset, Source.Postgres source) {
        return source.read().isPresent()
                ? "the condition names '" + asset + "', a PostgreSQL source read when the run runs, never waited for: it has no update"
                        + " events; trigger on the pipeline's other inputs or a cron, or give the source 'observe:'"
                : "the condition names '" + asset + "', a PostgreSQL source, which has no update events to wait for; snapshot it on a cron trigger"
                        + " or give the source 'observe:'";
    }

    /** What of its PostgreSQL inputs goes into a pipeline's code version: the table or query each reads. */
    static SortedMap<String, String> versionParts(Pipeline p, Map<String, Source> sources) {
        SortedMap<String, String> parts = new TreeMap<>();
        for (Input in : p.inputs()) {
            Optional<PostgresRead> read = Optional.ofNullable(sources.get(in.asset()))
                    .filter(Source.Postgres.class::isInstance).flatMap(s -> ((Source.Postgres) s).read());
            read.ifPresent(r -> parts.put("postgres-input:" + in.asset(), r.canonical()));
        }
        return parts;
    }
}
