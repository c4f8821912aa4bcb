package io.freshet.core.load;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.freshet.core.condition.Condition;
import io.freshet.core.condition.ConditionParser;
import io.freshet.core.condition.ConditionSyntaxException;
import io.freshet.core.cron.AwsCron;
import io.freshet.core.cron.CronSyntaxException;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.location.LocationSyntaxException;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.SqlText;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Values with a syntax of their own that several declarations share: asset names, choices from a
 * list, cron expressions, time zones, conditions, S3 locations, partitioning and SQL text. Each
 * reports what is wrong at the value's position and yields nothing then.
 */
final class ValueSyntax {

    static final Pattern ASSET_NAME = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");

    private final Diagnostics out;
    private final Optional<Instant> notBefore;

    ValueSyntax(Diagnostics out, Optional<Instant> notBefore) {
        this.out = out;
        this.notBefore = notBefore;
    }

    boolean assetName(String name, SourcePos pos) {
        if (ASSET_NAME.matcher(name).matches()) {
            return true;
        }
        out.error(pos, "'" + name + "' is not a valid asset name: use two dotted lower-case words such as raw.taps (layer.name; in SQL, schema.table)");
        return false;
    }

    Optional<String> oneOf(YNode node, String what, List<String> choices) {
        if (node instanceof YNode.Scalar s && choices.contains(s.value())) {
            return Optional.of(s.value());
        }
        String got = node instanceof YNode.Scalar s ? s.value() : "";
        out.error(node.pos(), what + " must be one of " + String.join(", ", choices) + ", got " + node.describe()
                + DidYouMean.hint(got, choices).replace("; did", " (did").replace("?", "?)"));
        return Optional.empty();
    }

    Optional<AwsCron> cron(YNode node) {
        if (!(node instanceof YNode.Scalar s) || s.isNull()) {
            out.error(node.pos(), "a cron schedule must be a string such as \"0 1 * * ? *\", got " + node.describe());
            return Optional.empty();
        }
        try {
            return Optional.of(AwsCron.parseFiring(s.value(), notBefore));
        } catch (CronSyntaxException e) {
            out.error(s.posAt(e.offset()), "invalid cron '" + s.value() + "': " + e.getMessage());
            return Optional.empty();
        }
    }

    Optional<ZoneId> zone(YNode node) {
        Optional<String> text = Values.string(node, "'timezone'", out);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return switch (ZoneNames.read(text.get())) {
            case ZoneNames.Result.Zone z -> Optional.of(z.zone());
            case ZoneNames.Result.Problem problem -> {
                out.error(node.pos(), problem.message());
                yield Optional.empty();
            }
        };
    }

    Optional<Condition> condition(YNode node) {
        if (!(node instanceof YNode.Scalar s) || s.isNull()) {
            out.error(node.pos(), "'condition' must be a string such as \"raw.taps & raw.stations\", got " + node.describe());
            return Optional.empty();
        }
        try {
            return Optional.of(ConditionParser.parse(s.value()));
        } catch (ConditionSyntaxException e) {
            out.error(s.posAt(e.offset()), "invalid condition: " + e.getMessage());
            return Optional.empty();
        }
    }

    Optional<LocationPattern> location(YNode node, String what) {
        if (!(node instanceof YNode.Scalar s) || s.isNull()) {
            out.error(node.pos(), what + " must be an S3 location such as s3://${LakeBucket}/core/trips/date={date}/, got " + node.describe());
            return Optional.empty();
        }
        try {
            return Optional.of(LocationPattern.parse(s.value()));
        } catch (LocationSyntaxException e) {
            out.error(s.posAt(e.offset()), "invalid location: " + e.getMessage());
            return Optional.empty();
        }
    }

    List<String> strings(Optional<YNode> node, String what) {
        if (node.isEmpty()) {
            return List.of();
        }
        List<YNode> items = Values.list(node.get(), what, out);
        List<String> values = new ArrayList<>();
        for (YNode item : items) {
            Values.string(item, "an item of " + what, out).ifPresent(values::add);
        }
        if (items.isEmpty() && node.get() instanceof YNode.Sequence) {
            out.error(node.get().pos(), what + " is empty");
        }
        return List.copyOf(values);
    }

    /** Exactly one of {@code query} (inline SQL) or {@code file} (a path under the pipelines directory). */
    Optional<SqlText> sqlText(MapReader r) {
        Optional<String> query = r.string("query");
        Optional<String> file = r.string("file");
        if (r.has("query") == r.has("file")) {
            out.error(r.pos(), r.what() + " needs exactly one of 'query' (inline SQL) or 'file' (a file under pipelines/sql/)");
            return Optional.empty();
        }
        if (query.isPresent()) {
            if (query.get().isBlank()) {
                out.error(r.keyPos("query"), "'query' is empty");
                return Optional.empty();
            }
            return Optional.of(new SqlText.Inline(query.get(), r.keyPos("query")));
        }
        return file.map(f -> new SqlText.File(f, r.get("file").orElseThrow().pos()));
    }

    Optional<Partitioning> partitioning(YNode node) {
        if (node instanceof YNode.Scalar s && !s.isNull()) {
            return grain(s).map(Partitioning::of);
        }
        Optional<MapReader> m = MapReader.of(node, "'partitions'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = m.get();
        Optional<PartitionGrain> grain = r.required("grain").flatMap(this::grain);
        Optional<ZoneId> zone = r.get("timezone").flatMap(this::zone);
        Optional<LocalDate> start = r.get("start").flatMap(this::partitionStart);
        r.finish();
        if (grain.isEmpty()) {
            return Optional.empty();
        }
        if (grain.get() == PartitionGrain.HOURLY && zone.isPresent() && !zone.get().normalized().equals(ZoneOffset.UTC)) {
            out.error(r.keyPos("timezone"), "hourly partitions are keyed in UTC (a local day has 23 or 25 hours when clocks change); remove 'timezone'");
        }
        if (grain.get() == PartitionGrain.NONE && (zone.isPresent() || start.isPresent())) {
            out.error(r.pos(), "'timezone' and 'start' apply to daily or hourly partitions, not to 'none'");
        }
        return Optional.of(new Partitioning(grain.get(), zone.orElse(ZoneOffset.UTC), start));
    }

    /** The first partition's date, {@code start}. */
    private Optional<LocalDate> partitionStart(YNode n) {
        Optional<String> text = Values.string(n, "'start'", out);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        // Four-digit years only, inside the years a cron can name: ISO also reads
        // +999999999-12-31, whose partitions would overflow every date computation.
        Optional<LocalDate> date = Optional.empty();
        if (text.get().matches("\\d{4}-\\d{2}-\\d{2}")) {
            try {
                date = Optional.of(LocalDate.parse(text.get())).filter(d -> d.getYear() >= 1970 && d.getYear() <= 2199);
            } catch (DateTimeParseException e) {
                date = Optional.empty();
            }
        }
        if (date.isEmpty()) {
            out.error(n.pos(), "'start' must be a date between 1970-01-01 and 2199-12-31 such as 2026-01-01, got " + n.describe());
        }
        return date;
    }

    private Optional<PartitionGrain> grain(YNode node) {
        return oneOf(node, "partitions", List.of("daily", "hourly", "none")).flatMap(PartitionGrain::fromYaml);
    }
}
