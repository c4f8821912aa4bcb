package io.freshet.core.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.freshet.core.model.Observation;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Reads a source's {@code observe:} (docs/pipelines.md, "Observed sources"), a sibling of its
 * {@code postgres:}: {@code {query: "SELECT ...", every: 5m}} or {@code {changes: schema.table,
 * every: 5m}}. Collects the observations of every sources file it is given; the loader puts them
 * in the {@code Project}.
 */
final class ObservationParser {

    /** The tick runs once a minute: a shorter period could not be kept. */
    static final Duration MIN_EVERY = Duration.ofMinutes(1);
    private static final Pattern TABLE = Pattern.compile("(?:([a-z_][a-z0-9_$]*)\\.)?([a-z_][a-z0-9_$]*)");

    private final Diagnostics out;
    private final List<Observation> observations = new ArrayList<>();

    ObservationParser(Diagnostics out) {
        this.out = out;
    }

    List<Observation> observations() {
        return List.copyOf(observations);
    }

    /** An S3 source's {@code observe:}: by listing its location ({@link ListingObservationParser}). */
    void listing(String source, PartitionGrain grain, boolean completeWhen, boolean announced, SourcePos keyPos, YNode node) {
        new ListingObservationParser(out, this::every).parse(source, grain, new ListingObservationParser.Refusals(completeWhen, announced),
                keyPos, node).ifPresent(observations::add);
    }

    /** A PostgreSQL source's {@code observe:}; {@code connection} is empty when the source's own block did not parse. */
    void observe(String source, Optional<String> connection, YNode node) {
        Optional<MapReader> read = MapReader.of(node, "'observe' of source '" + source + "'", out);
        if (read.isEmpty()) {
            return;
        }
        MapReader r = read.get();
        boolean query = r.has("query");
        boolean changes = r.has("changes");
        Optional<Duration> every = r.required("every").flatMap(this::every);
        Optional<Observation> parsed = Optional.empty();
        if (r.has("list")) {
            out.error(r.keyPos("list"), "'list' observes an S3 source by listing its location; PostgreSQL source '" + source
                    + "' is observed with 'query' (a SELECT whose value is watched) or 'changes' (a table's write counters)");
            r.get("query");
            r.get("changes");
        } else if (query == changes) {
            out.error(r.pos(), "'observe' of source '" + source + "' needs exactly one of 'query' (a SELECT whose value is watched)"
                    + " or 'changes' (a table whose write counters are watched)");
        } else if (query) {
            parsed = r.requiredString("query").flatMap(sql -> select(sql, r.get("query").get()))
                    .flatMap(sql -> both(connection, every).map(b -> new Observation.Query(source, b.connection(), sql, b.every(), r.pos())));
        } else {
            parsed = r.requiredString("changes").flatMap(t -> table(t, r.get("changes").get())).flatMap(t -> both(connection, every)
                    .map(b -> new Observation.Changes(source, b.connection(), t[0], t[1], b.every(), r.pos())));
        }
        r.finish();
        parsed.ifPresent(observations::add);
    }

    private record Both(String connection, Duration every) {
    }

    private static Optional<Both> both(Optional<String> connection, Optional<Duration> every) {
        return connection.flatMap(c -> every.map(e -> new Both(c, e)));
    }

    /** {@code every}: whole minutes, at least one (the tick's period); S3 listings share the rule. */
    Optional<Duration> every(YNode node) {
        return Values.duration(node, "'every'", out).filter(d -> {
            if (d.compareTo(MIN_EVERY) < 0 || d.toSecondsPart() != 0) {
                out.error(node.pos(), "'every' must be whole minutes, at least 1m: the tick that observes runs once a minute, got "
                        + Values.formatDuration(d));
                return false;
            }
            return true;
        });
    }

    private Optional<String> select(String sql, YNode node) {
        Optional<SingleSelect.Problem> problem = SingleSelect.problem(sql);
        problem.ifPresent(p -> out.error(node instanceof YNode.Scalar s ? s.posAt(p.offset()) : node.pos(), "'query' " + p.message()));
        return problem.isPresent() ? Optional.empty() : Optional.of(sql.strip());
    }

    /** {@code schema.table} (or a table of {@code public}) as {schema, table}. */
    private Optional<String[]> table(String text, YNode node) {
        var m = TABLE.matcher(text);
        if (!m.matches()) {
            out.error(node.pos(), "'changes' must name a table as schema.table in lower case (e.g. public.taps), got '" + text + "'");
            return Optional.empty();
        }
        return Optional.of(new String[] {m.group(1) == null ? "public" : m.group(1), m.group(2)});
    }
}
