package io.freshet.core.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.freshet.core.model.Check;
import io.freshet.core.model.DynamicKey;
import io.freshet.core.model.InputKey;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Input;
import io.freshet.core.model.OnCodeChange;
import io.freshet.core.model.Output;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.PostgresOutput;
import io.freshet.core.model.Retries;
import io.freshet.core.model.Step;
import io.freshet.core.model.Trigger;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Reads a pipeline file: its name, inputs, outputs, partitioning, trigger, steps, checks and run
 * settings (retries, timeout, what a code change rebuilds).
 */
final class PipelineParser {

    static final Pattern PIPELINE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,47}");
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);

    private final Diagnostics out;
    private final ValueSyntax syntax;
    private final ScheduleParser schedules;
    private final StepParser stepParser;
    private final CheckParser checkParser;
    private final DynamicKeyParser keys;
    private final PostgresOutputParser postgresOutputs;

    /** Names of pipelines with a step that did not parse: their outputs may look unwritten, and that is not news. */
    private final Set<String> brokenSteps = new HashSet<>();

    PipelineParser(Diagnostics out, ValueSyntax syntax, ScheduleParser schedules) {
        this.out = out;
        this.syntax = syntax;
        this.schedules = schedules;
        this.stepParser = new StepParser(out, syntax);
        this.checkParser = new CheckParser(out, syntax);
        this.keys = new DynamicKeyParser(out);
        this.postgresOutputs = new PostgresOutputParser(out);
    }

    Set<String> pipelinesWithBrokenSteps() {
        return brokenSteps;
    }

    Optional<Pipeline> pipeline(String file, MapReader r) {
        Optional<String> name = r.requiredString("pipeline");
        name.ifPresent(n -> {
            if (!PIPELINE_NAME.matcher(n).matches()) {
                out.error(r.keyPos("pipeline"), "pipeline name '" + n
                        + "' must start with a lower-case letter and hold only lower-case letters, digits, '_' and '-' (at most 48)");
            }
        });
        String description = r.string("description").orElse("");
        List<Input> inputs = inputs(r.list("inputs"));
        Partitioning partitioning = r.get("partitions").flatMap(syntax::partitioning).orElse(Partitioning.NONE);
        List<Output> outputs = r.required("outputs").map(this::outputs).orElse(List.of());
        Optional<Trigger> trigger = r.get("trigger").flatMap(schedules::trigger);
        Optional<Freshness> freshness = r.get("freshness").flatMap(schedules::freshness);
        int errorsBefore = out.count();
        List<YNode> stepNodes = r.required("steps").map(n -> Values.list(n, "'steps'", out)).orElse(List.of());
        List<Step> steps = stepParser.steps(stepNodes, r.keyPos("steps"));
        if (out.count() > errorsBefore || steps.size() < stepNodes.size()) {
            name.ifPresent(brokenSteps::add);
        }
        Optional<String> defaultAsset = outputs.size() == 1 ? Optional.of(outputs.get(0).asset()) : Optional.empty();
        List<Check> checks = checkParser.checks(r.list("checks"), defaultAsset, outputs.size());
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
                            .flatMap(n -> syntax.oneOf(n, "'mapping'", List.of("identity", "window", "latest")))
                            .flatMap(PartitionMapping::fromYaml);
                    Optional<InputKey> key = keys.inputKey(m);
                    m.finish();
                    return asset.map(a -> new Input(a, mapping, item.pos(), key));
                });
            } else {
                out.error(item.pos(), "an input must be an asset name or a mapping with 'asset' and 'mapping', got " + item.describe());
                input = Optional.empty();
            }
            input.ifPresent(i -> {
                if (!syntax.assetName(i.asset(), i.pos())) {
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
            if (!syntax.assetName(asset, e.key().pos())) {
                continue;
            }
            YNode value = e.value();
            String description = "";
            Optional<YNode> locNode;
            Optional<DynamicKey> dynamicKey = Optional.empty();
            Optional<PostgresOutput> postgres = Optional.empty();
            if (value instanceof YNode.Mapping) {
                Optional<MapReader> m = MapReader.of(value, "output '" + asset + "'", out);
                locNode = m.flatMap(x -> x.required("location"));
                description = m.flatMap(x -> x.string("description")).orElse("");
                dynamicKey = m.flatMap(x -> keys.partitionBy(x, asset));
                postgres = m.flatMap(x -> x.get("postgres")).flatMap(n -> postgresOutputs.parse(n, asset));
                if (dynamicKey.isPresent() && postgres.isPresent()) {
                    // Each key is published on its own; a load replacing the partition per key would keep only the last.
                    out.error(m.get().keyPos("postgres"), "output '" + asset + "' has 'partition_by' and 'postgres': loading a dynamically"
                            + " keyed output into PostgreSQL is not supported yet; load it from a consumer pipeline without 'partition_by'");
                }
                m.ifPresent(MapReader::finish);
            } else {
                locNode = Optional.of(value);
            }
            String desc = description;
            Optional<DynamicKey> key = dynamicKey;
            Optional<PostgresOutput> warehouse = postgres;
            locNode.ifPresent(n -> syntax.location(n, "the location of output '" + asset + "'")
                    .ifPresent(loc -> outputs.add(new Output(asset, desc, loc, n.pos(), e.key().pos(), key, warehouse))));
        }
        if (r.get().entries().isEmpty()) {
            out.error(node.pos(), "'outputs' is empty: a pipeline writes at least one asset");
        }
        r.get().finish();
        return outputs;
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
}
