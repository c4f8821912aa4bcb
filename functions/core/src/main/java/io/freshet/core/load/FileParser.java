package io.freshet.core.load;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import io.freshet.core.condition.Condition;
import io.freshet.core.condition.ConditionParser;
import io.freshet.core.condition.ConditionSyntaxException;
import io.freshet.core.cron.AwsCron;
import io.freshet.core.cron.CronSyntaxException;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.location.LocationSyntaxException;
import io.freshet.core.model.Check;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Input;
import io.freshet.core.model.OnCodeChange;
import io.freshet.core.model.Output;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Retries;
import io.freshet.core.model.Schedule;
import io.freshet.core.model.Source;
import io.freshet.core.model.SourceFiles;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.model.Trigger;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.TextSpan;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Turns the YAML of one file into sources or a pipeline, reporting every mistake it can see
 * inside that file. Checks that need other files (unknown inputs, cycles, overlaps) live in
 * {@link ProjectValidator}.
 */
final class FileParser {

    static final Pattern ASSET_NAME = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");
    static final Pattern PIPELINE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,47}");
    private static final Pattern CONNECTION_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);

    private final Diagnostics out;
    private final Optional<Instant> notBefore;

    FileParser(Diagnostics out, Optional<Instant> notBefore) {
        this.out = out;
        this.notBefore = notBefore;
    }

    /** What one file declared. */
    sealed interface Parsed permits SourcesFile, PipelineFile {
    }

    record SourcesFile(List<Source> sources) implements Parsed {
    }

    record PipelineFile(Pipeline pipeline, YNode root) implements Parsed {
    }

    /** Names of pipelines with a step that did not parse: their outputs may look unwritten, and that is not news. */
    private final Set<String> brokenSteps = new HashSet<>();

    Set<String> pipelinesWithBrokenSteps() {
        return brokenSteps;
    }

    Optional<Parsed> parse(String file, YNode root) {
        Set<String> topKeys = new HashSet<>();
        if (root instanceof YNode.Mapping m) {
            m.entries().forEach(e -> topKeys.add(e.key().value()));
        }
        boolean isPipeline = topKeys.contains("pipeline");
        boolean isSources = topKeys.contains("sources");
        Optional<MapReader> top = MapReader.of(root, isSources && !isPipeline ? "the sources file" : isPipeline ? "the pipeline file" : "the file", out);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = top.get();
        if (isPipeline && isSources) {
            out.error(r.keyPos("sources"), "a file declares either a pipeline or sources, not both: move 'sources' to a file of its own");
            return Optional.empty();
        }
        if (isSources) {
            return Optional.of(new SourcesFile(sources(r)));
        }
        if (isPipeline) {
            return pipeline(file, r).map(p -> new PipelineFile(p, root));
        }
        out.error(r.pos(), "expected a pipeline file (with 'pipeline: <name>') or a sources file (with 'sources:')");
        return Optional.empty();
    }

    // ---------------------------------------------------------------- sources

    private List<Source> sources(MapReader file) {
        List<Source> sources = new ArrayList<>();
        Optional<MapReader> all = file.required("sources").flatMap(n -> MapReader.of(n, "sources", out));
        file.finish();
        if (all.isEmpty()) {
            return sources;
        }
        for (YNode.Entry e : all.get().entries()) {
            String name = e.key().value();
            all.get().get(name); // every key of 'sources' is a source name: none is unknown
            if (!assetName(name, e.key().pos())) {
                continue;
            }
            MapReader.of(e.value(), "source '" + name + "'", out).flatMap(r -> source(name, r, e.key().pos())).ifPresent(sources::add);
        }
        all.get().finish();
        return sources;
    }

    private Optional<Source> source(String name, MapReader r, SourcePos pos) {
        String description = r.string("description").orElse("");
        boolean s3 = r.has("s3");
        boolean postgres = r.has("postgres");
        Optional<Source> result = Optional.empty();
        if (s3 == postgres) {
            out.error(r.pos(), "source '" + name + "' needs exactly one of 's3' (files landing in S3) or 'postgres' (a database to snapshot)");
            r.get("s3");
            r.get("postgres");
            r.get("partitions");
            r.get("format");
            r.get("freshness");
            r.get("ignore");
            r.get("complete_when");
        } else if (s3) {
            Optional<YNode> locNode = r.required("s3");
            Optional<LocationPattern> location = locNode.flatMap(n -> location(n, "'s3'"));
            Optional<Partitioning> declared = r.get("partitions").flatMap(this::partitioning);
            Optional<String> format = r.get("format").flatMap(n -> oneOf(n, "'format'", List.of("csv", "parquet", "json", "ndjson")));
            Optional<Freshness> freshness = r.get("freshness").flatMap(this::freshness);
            SourceFiles files = sourceFiles(r, location);
            if (location.isPresent() && locNode.isPresent()) {
                PartitionGrain implied = location.get().impliedGrain();
                Partitioning partitioning = declared.orElse(Partitioning.of(implied));
                if (declared.isPresent() && declared.get().grain() != implied) {
                    out.error(r.keyPos("partitions"), "source '" + name + "' declares " + declared.get().grain().yamlName()
                            + " partitions but its location " + placeholdersPhrase(implied));
                }
                result = Optional.of(new Source.S3(name, description, location.get(), locNode.get().pos(), partitioning, format, freshness, files, pos));
            }
        } else {
            Optional<String> connection = r.required("postgres")
                    .flatMap(n -> MapReader.of(n, "'postgres' of source '" + name + "'", out))
                    .flatMap(pg -> {
                        Optional<String> c = pg.requiredString("connection");
                        pg.finish();
                        c.ifPresent(v -> {
                            if (!CONNECTION_NAME.matcher(v).matches()) {
                                out.error(pg.keyPos("connection"), "connection name '" + v
                                        + "' must be lower-case letters, digits, '_' or '-': it names a secret, credentials never go in YAML");
                            }
                        });
                        return c;
                    });
            for (String key : List.of("partitions", "format", "freshness", "ignore", "complete_when")) {
                if (r.has(key)) {
                    out.error(r.keyPos(key), "'" + key + "' applies to S3 sources, not to a PostgreSQL source"
                            + (key.equals("ignore") || key.equals("complete_when") ? "" : "; the snapshot pipeline's outputs carry it"));
                }
            }
            result = connection.map(c -> new Source.Postgres(name, description, c, pos));
        }
        r.finish();
        return result;
    }

    /** An S3 source's {@code ignore:} globs and {@code complete_when:} marker (docs/pipelines.md). */
    private SourceFiles sourceFiles(MapReader r, Optional<LocationPattern> location) {
        List<String> ignore = new ArrayList<>();
        r.get("ignore").ifPresent(node -> {
            List<YNode> items = Values.list(node, "'ignore'", out);
            if (items.isEmpty() && node instanceof YNode.Sequence) {
                out.error(node.pos(), "'ignore' is empty: leave it out, or list globs such as \"*.tmp\"");
            }
            for (YNode item : items) {
                Values.string(item, "an item of 'ignore'", out).ifPresent(glob -> SourceFiles.globProblem(glob).ifPresentOrElse(
                        problem -> out.error(item.pos(), "invalid ignore glob: " + problem), () -> ignore.add(glob)));
            }
        });
        Optional<String> marker = r.string("complete_when").flatMap(name -> {
            Optional<String> problem = SourceFiles.markerNameProblem(name);
            if (problem.isPresent()) {
                out.error(r.get("complete_when").get().pos(), "invalid 'complete_when': " + problem.get());
                return Optional.empty();
            }
            if (location.isPresent()) {
                try {
                    location.get().markerLocation(name);
                } catch (IllegalArgumentException | LocationSyntaxException e) {
                    out.error(r.keyPos("complete_when"), "'complete_when' cannot be used here: " + e.getMessage());
                    return Optional.empty();
                }
            }
            return Optional.of(name);
        });
        return new SourceFiles(ignore, marker);
    }

    private static String placeholdersPhrase(PartitionGrain implied) {
        return switch (implied) {
            case NONE -> "has no partition placeholders ({date}, {hour})";
            case DAILY -> "has daily placeholders ({date} or {year}/{month}/{day}) and no {hour}";
            case HOURLY -> "has hourly placeholders (a date and {hour})";
        };
    }

    // ---------------------------------------------------------------- pipelines

    private Optional<Pipeline> pipeline(String file, MapReader r) {
        Optional<String> name = r.requiredString("pipeline");
        name.ifPresent(n -> {
            if (!PIPELINE_NAME.matcher(n).matches()) {
                out.error(r.keyPos("pipeline"), "pipeline name '" + n
                        + "' must start with a lower-case letter and hold only lower-case letters, digits, '_' and '-' (at most 48)");
            }
        });
        String description = r.string("description").orElse("");
        List<Input> inputs = inputs(r.list("inputs"));
        Partitioning partitioning = r.get("partitions").flatMap(this::partitioning).orElse(Partitioning.NONE);
        List<Output> outputs = r.required("outputs").map(this::outputs).orElse(List.of());
        Optional<Trigger> trigger = r.get("trigger").flatMap(this::trigger);
        Optional<Freshness> freshness = r.get("freshness").flatMap(this::freshness);
        int errorsBefore = out.count();
        List<YNode> stepNodes = r.required("steps").map(n -> Values.list(n, "'steps'", out)).orElse(List.of());
        List<Step> steps = steps(stepNodes, r.keyPos("steps"));
        if (out.count() > errorsBefore || steps.size() < stepNodes.size()) {
            name.ifPresent(brokenSteps::add);
        }
        Optional<String> defaultAsset = outputs.size() == 1 ? Optional.of(outputs.get(0).asset()) : Optional.empty();
        List<Check> checks = checks(r.list("checks"), defaultAsset, outputs.size());
        Retries retries = r.get("retries").flatMap(this::retries).orElse(Retries.DEFAULT);
        Duration timeout = r.duration("timeout").orElse(Pipeline.DEFAULT_TIMEOUT);
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            out.error(r.keyPos("timeout"), "'timeout' must be at most 15m, the longest a Lambda function runs, got " + Values.formatDuration(timeout));
        }
        OnCodeChange onCodeChange = r.get("on_code_change").flatMap(this::onCodeChange).orElse(OnCodeChange.LATEST);
        boolean misspeltTrigger = r.entries().stream()
                .anyMatch(e -> !e.key().value().equals("trigger") && !e.key().value().equals("freshness")
                        && DidYouMean.closest(e.key().value(), List.of("trigger", "freshness")).isPresent());
        if (trigger.isEmpty() && freshness.isEmpty() && !r.has("trigger") && !r.has("freshness") && !misspeltTrigger) {
            out.error(r.pos(), "pipeline '" + name.orElse("?") + "' has no 'trigger' and no 'freshness': declare when it runs (use 'trigger: manual' for manual runs only)");
        }
        r.finish();
        return name.map(n -> new Pipeline(n, file, description, inputs, partitioning, outputs, trigger, freshness,
                steps, checks, retries, timeout, onCodeChange, r.pos()));
    }

    private Optional<OnCodeChange> onCodeChange(YNode node) {
        if (node instanceof YNode.Scalar s && !s.isNull()) {
            switch (s.value()) {
                case "latest" -> {
                    return Optional.of(OnCodeChange.LATEST);
                }
                case "none" -> {
                    return Optional.of(OnCodeChange.NONE);
                }
                case "all" -> {
                    return Optional.of(OnCodeChange.ALL);
                }
                default -> {
                }
            }
        }
        if (node instanceof YNode.Mapping) {
            Optional<MapReader> m = MapReader.of(node, "'on_code_change'", out);
            Optional<Long> last = m.flatMap(x -> x.integer("last", 1, OnCodeChange.MAX_PARTITIONS));
            if (m.isPresent() && !m.get().has("last")) {
                out.error(node.pos(), "'on_code_change' as a mapping needs 'last' (how many of the newest partitions to rebuild)");
            }
            m.ifPresent(MapReader::finish);
            return last.map(n -> OnCodeChange.last(n.intValue()));
        }
        out.error(node.pos(), "'on_code_change' must be latest, none, all or { last: N }, got " + node.describe());
        return Optional.empty();
    }

    private List<Input> inputs(List<YNode> items) {
        List<Input> inputs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YNode item : items) {
            Optional<Input> input;
            if (item instanceof YNode.Scalar s && !s.isNull()) {
                input = Optional.of(new Input(s.value(), Optional.empty(), s.pos()));
            } else if (item instanceof YNode.Mapping) {
                input = MapReader.of(item, "an input", out).flatMap(m -> {
                    Optional<String> asset = m.requiredString("asset");
                    Optional<PartitionMapping> mapping = m.get("mapping")
                            .flatMap(n -> oneOf(n, "'mapping'", List.of("identity", "window", "latest")))
                            .flatMap(PartitionMapping::fromYaml);
                    m.finish();
                    return asset.map(a -> new Input(a, mapping, item.pos()));
                });
            } else {
                out.error(item.pos(), "an input must be an asset name or a mapping with 'asset' and 'mapping', got " + item.describe());
                input = Optional.empty();
            }
            input.ifPresent(i -> {
                if (!assetName(i.asset(), i.pos())) {
                    return;
                }
                if (!seen.add(i.asset())) {
                    out.error(i.pos(), "input '" + i.asset() + "' is listed twice");
                    return;
                }
                inputs.add(i);
            });
        }
        return inputs;
    }

    private List<Output> outputs(YNode node) {
        List<Output> outputs = new ArrayList<>();
        Optional<MapReader> r = MapReader.of(node, "'outputs'", out);
        if (r.isEmpty()) {
            return outputs;
        }
        for (YNode.Entry e : r.get().entries()) {
            String asset = e.key().value();
            r.get().get(asset); // each key is an output asset
            if (!assetName(asset, e.key().pos())) {
                continue;
            }
            YNode value = e.value();
            String description = "";
            Optional<YNode> locNode;
            if (value instanceof YNode.Mapping) {
                Optional<MapReader> m = MapReader.of(value, "output '" + asset + "'", out);
                locNode = m.flatMap(x -> x.required("location"));
                description = m.flatMap(x -> x.string("description")).orElse("");
                m.ifPresent(MapReader::finish);
            } else {
                locNode = Optional.of(value);
            }
            String desc = description;
            locNode.ifPresent(n -> location(n, "the location of output '" + asset + "'")
                    .ifPresent(loc -> outputs.add(new Output(asset, desc, loc, n.pos(), e.key().pos()))));
        }
        if (r.get().entries().isEmpty()) {
            out.error(node.pos(), "'outputs' is empty: a pipeline writes at least one asset");
        }
        r.get().finish();
        return outputs;
    }

    private Optional<Trigger> trigger(YNode node) {
        if (node instanceof YNode.Scalar s && s.value().equals("manual")) {
            return Optional.of(Trigger.manual(s.pos()));
        }
        if (node instanceof YNode.Scalar s && !s.isNull()) {
            out.error(s.pos(), "'trigger' must be 'manual' or a mapping with 'cron' and/or 'condition', got " + s.describe());
            return Optional.empty();
        }
        Optional<MapReader> m = MapReader.of(node, "'trigger'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = m.get();
        Optional<AwsCron> cron = r.get("cron").flatMap(this::cron);
        Optional<ZoneId> zone = r.get("timezone").flatMap(this::zone);
        Optional<Condition> condition = r.get("condition").flatMap(this::condition);
        Optional<Boolean> catchup = r.bool("catchup");
        Optional<Long> maxCatchup = r.integer("max_catchup", 1, 1000);
        boolean hasCron = r.has("cron");
        if (!hasCron && !r.has("condition")) {
            out.error(r.pos(), "'trigger' needs 'cron', 'condition' or both (cron with condition runs at the tick only if the condition holds)");
        }
        if (!hasCron) {
            for (String key : List.of("timezone", "catchup", "max_catchup")) {
                if (r.has(key)) {
                    out.error(r.keyPos(key), "'" + key + "' applies to a cron trigger, and this trigger has no 'cron'");
                }
            }
        }
        r.finish();
        if (hasCron && cron.isEmpty() || r.has("timezone") && zone.isEmpty() || r.has("condition") && condition.isEmpty()) {
            return Optional.empty();
        }
        Optional<Schedule> schedule = cron.map(c -> new Schedule(c, zone.orElse(ZoneOffset.UTC)));
        Optional<TextSpan> span = r.get("condition").filter(YNode.Scalar.class::isInstance).map(n -> ((YNode.Scalar) n).span());
        return Optional.of(new Trigger(schedule, condition, catchup.orElse(false),
                maxCatchup.map(Long::intValue).orElse(Trigger.DEFAULT_MAX_CATCHUP), r.pos(), span));
    }

    private Optional<Freshness> freshness(YNode node) {
        Optional<MapReader> m = MapReader.of(node, "'freshness'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = m.get();
        Optional<Duration> maxLag = r.duration("max_lag");
        Optional<AwsCron> deadline = r.get("deadline").flatMap(this::cron);
        Optional<ZoneId> zone = r.get("timezone").flatMap(this::zone);
        Optional<Duration> lag = r.duration("lag");
        Optional<Freshness> result = Optional.empty();
        if (r.has("max_lag") == r.has("deadline")) {
            out.error(r.pos(), "'freshness' needs exactly one of 'max_lag' (e.g. 30m) or 'deadline' (a cron, e.g. \"0 9 * * ? *\", with 'timezone' and 'lag')");
        } else if (r.has("max_lag")) {
            for (String key : List.of("timezone", "lag")) {
                if (r.has(key)) {
                    out.error(r.keyPos(key), "'" + key + "' applies to a 'deadline' freshness policy, not to 'max_lag'");
                }
            }
            result = maxLag.map(d -> new Freshness.MaxLag(d, r.pos()));
        } else if (deadline.isPresent() && (zone.isPresent() || !r.has("timezone"))) {
            result = Optional.of(new Freshness.Deadline(new Schedule(deadline.get(), zone.orElse(ZoneOffset.UTC)), lag.orElse(Duration.ZERO), r.pos()));
        }
        r.finish();
        return result;
    }

    private Optional<Partitioning> partitioning(YNode node) {
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
        Optional<LocalDate> start = r.get("start").flatMap(n -> {
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
        });
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

    private Optional<PartitionGrain> grain(YNode node) {
        return oneOf(node, "partitions", List.of("daily", "hourly", "none")).flatMap(PartitionGrain::fromYaml);
    }

    private Optional<Retries> retries(YNode node) {
        if (node instanceof YNode.Scalar) {
            return Values.integer(node, "'retries'", 0, 10, out)
                    .map(n -> new Retries(n.intValue(), Retries.DEFAULT.backoff(), Retries.DEFAULT.maxBackoff()));
        }
        Optional<MapReader> m = MapReader.of(node, "'retries'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = m.get();
        Optional<Long> attempts = r.required("attempts").flatMap(n -> Values.integer(n, "'attempts'", 0, 10, out));
        Duration backoff = r.duration("backoff").orElse(Retries.DEFAULT.backoff());
        Duration maxBackoff = r.duration("max_backoff").orElse(backoff.compareTo(Retries.DEFAULT.maxBackoff()) > 0 ? backoff : Retries.DEFAULT.maxBackoff());
        if (maxBackoff.compareTo(backoff) < 0) {
            out.error(r.keyPos("max_backoff"), "'max_backoff' (" + Values.formatDuration(maxBackoff)
                    + ") is shorter than 'backoff' (" + Values.formatDuration(backoff) + ")");
        }
        r.finish();
        return attempts.map(a -> new Retries(a.intValue(), backoff, maxBackoff));
    }

    // ---------------------------------------------------------------- steps

    private List<Step> steps(List<YNode> items, SourcePos stepsPos) {
        List<Step> steps = new ArrayList<>();
        for (YNode item : items) {
            Optional<MapReader> m = MapReader.of(item, "a step", out);
            if (m.isEmpty()) {
                continue;
            }
            MapReader r = m.get();
            List<YNode.Entry> entries = r.entries();
            if (entries.size() != 1) {
                out.error(r.pos(), "a step is a mapping with exactly one key, 'snapshot' or 'sql', got "
                        + (entries.isEmpty() ? "none" : entries.stream().map(e -> "'" + e.key().value() + "'").toList()));
                continue;
            }
            YNode.Entry e = entries.get(0);
            switch (e.key().value()) {
                case "snapshot" -> MapReader.of(e.value(), "'snapshot'", out).flatMap(this::snapshot).ifPresent(steps::add);
                case "sql" -> MapReader.of(e.value(), "'sql' step", out).flatMap(this::sqlStep).ifPresent(steps::add);
                default -> out.error(e.key().pos(), "unknown step '" + e.key().value() + "'; expected 'snapshot' or 'sql'"
                        + DidYouMean.hint(e.key().value(), List.of("snapshot", "sql")).replace("; did", " (did").replace("?", "?)"));
            }
        }
        if (items.isEmpty() && !out.hasErrors()) {
            out.error(stepsPos, "'steps' is empty: a pipeline has at least one 'snapshot' or 'sql' step");
        }
        return steps;
    }

    private Optional<Step> snapshot(MapReader r) {
        Optional<String> source = r.requiredString("source");
        List<Step.SnapshotTable> tables = new ArrayList<>();
        Optional<YNode> tablesNode = r.required("tables");
        for (YNode t : tablesNode.map(n -> Values.list(n, "'tables'", out)).orElse(List.of())) {
            MapReader.of(t, "a snapshot table", out).flatMap(tr -> {
                Optional<String> table = tr.requiredString("table");
                Optional<String> schema = tr.string("schema");
                Optional<String> output = tr.requiredString("output");
                Optional<String> watermark = tr.string("watermark");
                tr.finish();
                if (table.isEmpty() || output.isEmpty() || !assetName(output.get(), tr.keyPos("output"))) {
                    return Optional.empty();
                }
                String tableName = table.get();
                String schemaName = schema.orElse("public");
                // "public.stations" is the common way to write a qualified name; a table whose own
                // name holds a dot needs an explicit 'schema'.
                int dot = tableName.indexOf('.');
                if (schema.isEmpty() && dot > 0) {
                    schemaName = tableName.substring(0, dot);
                    tableName = tableName.substring(dot + 1);
                }
                if (tableName.isBlank()) {
                    out.error(tr.keyPos("table"), "'table' needs a table name");
                    return Optional.empty();
                }
                return Optional.of(new Step.SnapshotTable(schemaName, tableName, output.get(), watermark, t.pos()));
            }).ifPresent(tables::add);
        }
        if (tablesNode.isPresent() && tablesNode.get() instanceof YNode.Sequence seq && seq.items().isEmpty()) {
            out.error(tablesNode.get().pos(), "'tables' is empty: a snapshot reads at least one table");
        }
        r.finish();
        return source.map(s -> new Step.Snapshot(s, List.copyOf(tables), r.pos()));
    }

    private Optional<Step> sqlStep(MapReader r) {
        Optional<String> output = r.requiredString("output");
        Optional<SqlText> sql = sqlText(r);
        r.finish();
        if (output.isEmpty() || sql.isEmpty() || !assetName(output.get(), r.keyPos("output"))) {
            return Optional.empty();
        }
        return Optional.of(new Step.Sql(output.get(), sql.get(), r.pos()));
    }

    /** Exactly one of {@code query} (inline SQL) or {@code file} (a path under the pipelines directory). */
    private Optional<SqlText> sqlText(MapReader r) {
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

    // ---------------------------------------------------------------- checks

    private List<Check> checks(List<YNode> items, Optional<String> defaultAsset, int outputCount) {
        List<Check> checks = new ArrayList<>();
        for (YNode item : items) {
            Optional<MapReader> m = MapReader.of(item, "a check", out);
            if (m.isEmpty()) {
                continue;
            }
            List<YNode.Entry> entries = m.get().entries();
            List<String> kinds = List.of("not_null", "unique", "row_count", "accepted_values", "sql");
            if (entries.size() != 1) {
                out.error(m.get().pos(), "a check is a mapping with exactly one key, one of " + String.join(", ", kinds));
                continue;
            }
            YNode.Entry e = entries.get(0);
            String kind = e.key().value();
            if (!kinds.contains(kind)) {
                out.error(e.key().pos(), "unknown check '" + kind + "'" + DidYouMean.hint(kind, kinds)
                        + (DidYouMean.closest(kind, kinds).isEmpty() ? "; expected one of " + String.join(", ", kinds) : ""));
                continue;
            }
            MapReader.of(e.value(), "'" + kind + "' check", out).flatMap(r -> check(kind, r, defaultAsset, outputCount)).ifPresent(checks::add);
        }
        return checks;
    }

    private Optional<Check> check(String kind, MapReader r, Optional<String> defaultAsset, int outputCount) {
        Optional<String> asset = r.string("asset").or(() -> defaultAsset);
        Optional<String> givenName = r.string("name");
        boolean blocking = r.bool("blocking").orElse(true);
        if (asset.isEmpty() && !r.has("asset")) {
            out.error(r.pos(), outputCount == 0
                    ? "the check names no 'asset' and this pipeline has no (valid) output to default to: say which asset it tests with 'asset'"
                    : "this pipeline has " + outputCount + " outputs: say which one the check tests with 'asset'");
        }
        SourcePos pos = r.pos();
        Optional<Check> check = switch (kind) {
            case "not_null", "unique" -> {
                List<String> columns = strings(r.required("columns"), "'columns'");
                if (columns.isEmpty()) {
                    yield Optional.empty();
                }
                String name = givenName.orElse(kind + "_" + String.join("_", columns));
                yield asset.map(a -> kind.equals("unique")
                        ? new Check.Unique(a, name, columns, blocking, pos)
                        : new Check.NotNull(a, name, columns, blocking, pos));
            }
            case "row_count" -> {
                Optional<Long> min = r.integer("min", 0, Long.MAX_VALUE);
                Optional<Long> max = r.integer("max", 0, Long.MAX_VALUE);
                if (!r.has("min") && !r.has("max")) {
                    out.error(pos, "'row_count' needs 'min', 'max' or both");
                    yield Optional.empty();
                }
                if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
                    out.error(r.keyPos("max"), "'max' (" + max.get() + ") is below 'min' (" + min.get() + ")");
                }
                OptionalLong lo = min.map(OptionalLong::of).orElse(OptionalLong.empty());
                OptionalLong hi = max.map(OptionalLong::of).orElse(OptionalLong.empty());
                yield asset.map(a -> new Check.RowCount(a, givenName.orElse("row_count"), lo, hi, blocking, pos));
            }
            case "accepted_values" -> {
                Optional<String> column = r.requiredString("column");
                List<String> values = strings(r.required("values"), "'values'");
                if (column.isEmpty() || values.isEmpty()) {
                    yield Optional.empty();
                }
                yield asset.map(a -> new Check.AcceptedValues(a, givenName.orElse("accepted_values_" + column.get()),
                        column.get(), values, blocking, pos));
            }
            default -> {
                Optional<String> name = givenName;
                if (!r.has("name")) {
                    out.error(pos, "a 'sql' check needs a 'name' saying what it tests");
                }
                Optional<SqlText> sql = sqlText(r);
                yield asset.flatMap(a -> name.flatMap(n -> sql.map(s -> new Check.CustomSql(a, n, s, blocking, pos))));
            }
        };
        r.finish();
        return check;
    }

    private List<String> strings(Optional<YNode> node, String what) {
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

    // ---------------------------------------------------------------- scalars with syntax of their own

    private boolean assetName(String name, SourcePos pos) {
        if (ASSET_NAME.matcher(name).matches()) {
            return true;
        }
        out.error(pos, "'" + name + "' is not a valid asset name: use two dotted lower-case words such as raw.taps (layer.name; in SQL, schema.table)");
        return false;
    }

    private Optional<String> oneOf(YNode node, String what, List<String> choices) {
        if (node instanceof YNode.Scalar s && choices.contains(s.value())) {
            return Optional.of(s.value());
        }
        String got = node instanceof YNode.Scalar s ? s.value() : "";
        out.error(node.pos(), what + " must be one of " + String.join(", ", choices) + ", got " + node.describe()
                + DidYouMean.hint(got, choices).replace("; did", " (did").replace("?", "?)"));
        return Optional.empty();
    }

    private Optional<AwsCron> cron(YNode node) {
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

    private Optional<ZoneId> zone(YNode node) {
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

    private Optional<Condition> condition(YNode node) {
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

    private Optional<LocationPattern> location(YNode node, String what) {
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
}
