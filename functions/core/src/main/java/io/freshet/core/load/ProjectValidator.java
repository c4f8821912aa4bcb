package io.freshet.core.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.freshet.core.condition.Condition;
import io.freshet.core.graph.AssetGraph;
import io.freshet.core.model.Check;
import io.freshet.core.model.Input;
import io.freshet.core.model.LakeTableName;
import io.freshet.core.model.Output;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.Step;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.SourcePos;

/**
 * The checks that need more than one file: references between pipelines and sources, the shape
 * of the graph, S3 locations against each other ({@link LocationValidator}), and the SQL files on
 * disk ({@link SqlValidator}).
 */
final class ProjectValidator {

    private final List<Source> sources;
    private final List<Pipeline> pipelines;
    private final Diagnostics out;
    private final Set<String> pipelinesWithBrokenSteps;

    private final Map<String, Source> sourceByName = new LinkedHashMap<>();
    private final Map<String, Pipeline> producerOf = new LinkedHashMap<>();
    private final Set<String> pipelinesWithUnknownInputs = new HashSet<>();
    private final Set<String> observed = new HashSet<>();
    private final LocationValidator locations;
    private final SqlValidator sqlValidator;
    private final PostgresInputRules postgresInputs;
    private final DynamicKeyValidator dynamicKeys;
    private final ForEachValidator forEach;

    ProjectValidator(List<Source> sources, List<Pipeline> pipelines, Path dir, String displayDir,
                     Set<String> parameters, Set<String> pipelinesWithBrokenSteps, Diagnostics out) {
        this.pipelinesWithBrokenSteps = pipelinesWithBrokenSteps;
        this.sources = sources;
        this.pipelines = pipelines;
        this.out = out;
        this.locations = new LocationValidator(sources, pipelines, parameters, out);
        this.sqlValidator = new SqlValidator(dir, displayDir, out, sourceByName, producerOf, pipelinesWithUnknownInputs);
        this.postgresInputs = new PostgresInputRules(out);
        this.dynamicKeys = new DynamicKeyValidator(out, sourceByName, producerOf, sqlValidator.sqlFiles());
        this.forEach = new ForEachValidator(out, sourceByName, sqlValidator.sqlFiles(), pipelinesWithUnknownInputs);
    }

    /** The sources by name, once {@link #validate()} has run. */
    Map<String, Source> sourceByName() {
        return sourceByName;
    }

    Map<String, String> sqlFiles() {
        return sqlValidator.sqlFiles();
    }

    void validate() {
        names();
        for (Source s : sources) {
            if (s instanceof Source.S3 s3) {
                locations.parametersKnown(s3.location(), s3.locationPos());
                locations.inLakeBucket(s3);
            }
        }
        for (Pipeline p : pipelines) {
            inputs(p);
            locations.outputs(p);
            condition(p);
            steps(p);
            checks(p);
            sqlValidator.sqlReadsOnlyItsAssets(p);
            sqlValidator.sqlReadsOnlyRunVariables(p);
            dynamicKeys.validate(p);
            forEach.validate(p);
        }
        snapshotTablesOnce();
        locations.overlaps();
        cycles();
    }

    /** Each source and each derived asset is declared once; pipeline names are unique. */
    private void names() {
        for (Source s : sources) {
            Source first = sourceByName.putIfAbsent(s.name(), s);
            if (first != null) {
                out.error(s.pos(), "source '" + s.name() + "' is declared twice (first at " + first.pos() + ")");
            }
        }
        Map<String, Pipeline> byName = new HashMap<>();
        Map<String, Output> byTable = new HashMap<>();
        for (Pipeline p : pipelines) {
            Pipeline first = byName.putIfAbsent(p.name(), p);
            if (first != null) {
                out.error(p.pos(), "pipeline '" + p.name() + "' is declared twice (first in " + first.file() + ")");
            }
            for (Output o : p.outputs()) {
                Source source = sourceByName.get(o.asset());
                Pipeline producer = producerOf.putIfAbsent(o.asset(), p);
                if (source != null) {
                    out.error(o.pos(), "'" + o.asset() + "' is a source (declared at " + source.pos()
                            + "); a pipeline cannot also produce it");
                } else if (producer != null && producer != p) {
                    out.error(o.pos(), "asset '" + o.asset() + "' is produced by two pipelines: '" + producer.name()
                            + "' (" + producer.file() + ") and '" + p.name() + "'; every derived asset has exactly one producer");
                } else {
                    sameLakeTable(o, byTable);
                }
            }
        }
    }

    /** Each derived asset is published as its own lake table ({@link LakeTableName}); two names must not meet. */
    private void sameLakeTable(Output o, Map<String, Output> byTable) {
        Output first = byTable.putIfAbsent(LakeTableName.of(o.asset()), o);
        if (first != null && !first.asset().equals(o.asset())) {
            out.error(o.pos(), "assets '" + first.asset() + "' (" + first.pos() + ") and '" + o.asset() + "' would both be published"
                    + " as lake table '" + LakeTableName.of(o.asset()) + "'; rename one of them");
        }
    }

    private void inputs(Pipeline p) {
        for (Input in : p.inputs()) {
            if (!sourceByName.containsKey(in.asset()) && !producerOf.containsKey(in.asset())) {
                Set<String> known = new TreeSet<>(sourceByName.keySet());
                known.addAll(producerOf.keySet());
                pipelinesWithUnknownInputs.add(p.name());
                out.error(in.pos(), "unknown input asset '" + in.asset() + "'" + DidYouMean.hint(in.asset(), known)
                        + (DidYouMean.closest(in.asset(), known).isEmpty() ? "; declare it as a source or as the output of a pipeline" : ""));
                continue;
            }
            if (producerOf.get(in.asset()) == p) {
                out.error(in.pos(), "pipeline '" + p.name() + "' reads its own output '" + in.asset() + "'");
                continue;
            }
            Source source = sourceByName.get(in.asset());
            if (source instanceof Source.Postgres pg) {
                postgresInputs.input(p, in, pg);
                continue;
            }
            PartitionGrain inputGrain = source != null ? source.partitioning().grain() : producerOf.get(in.asset()).partitioning().grain();
            partitionMapping(p, in, inputGrain);
        }
    }

    private void partitionMapping(Pipeline p, Input in, PartitionGrain inputGrain) {
        PartitionGrain ours = p.partitioning().grain();
        String inputIs = "input '" + in.asset() + "' is " + words(inputGrain);
        String pipelineIs = "pipeline '" + p.name() + "' is " + words(ours);
        PartitionMapping mapping = in.declaredMapping().orElse(null);
        if (mapping == null && inputGrain != ours) {
            String choices = inputGrain == PartitionGrain.HOURLY && ours == PartitionGrain.DAILY
                    ? "'mapping: window' (each day waits for its 24 hours) or 'mapping: latest' (read the newest event)"
                    : "'mapping: latest' (read the input's newest event whatever its partition)";
            out.error(in.pos(), "partition mismatch: " + inputIs + " but " + pipelineIs + "; declare " + choices);
        } else if (mapping != null && !mapping.accepts(inputGrain, ours)) {
            out.error(in.pos(), "'mapping: " + mapping.yamlName() + "' " + mapping.requirement() + ", but " + inputIs + " and " + pipelineIs);
        }
    }

    static String words(PartitionGrain g) {
        return g == PartitionGrain.NONE ? "not partitioned" : "partitioned " + g.yamlName();
    }

    /** The PostgreSQL sources with {@code observe:}: their changes are asset events, which a condition or freshness may wait for. */
    void observed(Set<String> sources) {
        observed.addAll(sources);
    }

    /** A PostgreSQL source that nothing observes: it has no update events. */
    private boolean eventless(String asset) {
        return sourceByName.get(asset) instanceof Source.Postgres && !observed.contains(asset);
    }

    private void condition(Pipeline p) {
        if (p.trigger().isEmpty()) {
            if (p.freshness().isPresent() && p.inputs().stream().allMatch(i -> eventless(i.asset()))) {
                out.error(p.freshness().get().pos(), "pipeline '" + p.name()
                        + "' is started by its freshness policy alone, which needs an input with update events; give it a cron 'trigger'");
            }
            return;
        }
        Optional<Condition> condition = p.trigger().get().condition();
        if (condition.isEmpty()) {
            return;
        }
        Set<String> inputs = new LinkedHashSet<>(p.inputAssets()); // a set: a condition may name thousands
        condition.get().references().forEach(a -> {
            SourcePos at = p.trigger().get().positionOf(a);
            if (!inputs.contains(a.name())) {
                String hint = DidYouMean.hint(a.name(), inputs);
                out.error(at, "the condition names '" + a.name() + "', which is not an input of pipeline '" + p.name() + "'"
                        + (hint.isEmpty() ? "; add it to 'inputs' or remove it from the condition" : hint));
            } else if (eventless(a.name())) {
                out.error(at, PostgresInputRules.conditionMessage(a.name(), (Source.Postgres) sourceByName.get(a.name())));
            }
        });
    }

    private void steps(Pipeline p) {
        Map<String, Step> writer = new HashMap<>();
        Set<String> outputs = new HashSet<>(p.outputAssets());
        Set<String> inputs = new HashSet<>(p.inputAssets());
        for (Step step : p.steps()) {
            if (step instanceof Step.Snapshot snap) {
                Source s = sourceByName.get(snap.source());
                if (s == null) {
                    List<String> pgNames = sources.stream().filter(x -> x instanceof Source.Postgres).map(Source::name).toList();
                    out.error(snap.pos(), "snapshot source '" + snap.source() + "' is not a declared PostgreSQL source" + DidYouMean.hint(snap.source(), pgNames));
                } else if (!(s instanceof Source.Postgres)) {
                    out.error(snap.pos(), "snapshot source '" + snap.source() + "' is an S3 source; a snapshot reads a PostgreSQL source");
                } else if (!inputs.contains(snap.source())) {
                    out.error(snap.pos(), "snapshot source '" + snap.source() + "' is not among the inputs of pipeline '" + p.name() + "'; add it to 'inputs'");
                } else {
                    postgresInputs.snapshotSource(snap, (Source.Postgres) s);
                }
                for (Step.SnapshotTable t : snap.tables()) {
                    stepOutput(p, outputs, t.output(), t.pos(), step, writer);
                }
            } else if (step instanceof Step.Sql sql) {
                sqlValidator.sqlText(sql.sql());
                stepOutput(p, outputs, sql.output(), sql.pos(), step, writer);
            }
        }
        for (Output o : p.outputs()) {
            if (!writer.containsKey(o.asset()) && !pipelinesWithBrokenSteps.contains(p.name())) {
                out.error(o.pos(), "output '" + o.asset() + "' is not written by any step of pipeline '" + p.name() + "'");
            }
        }
    }

    private void stepOutput(Pipeline p, Set<String> outputs, String asset, SourcePos pos, Step step, Map<String, Step> writer) {
        if (!outputs.contains(asset)) {
            out.error(pos, "the step writes '" + asset + "', which is not in the 'outputs' of pipeline '" + p.name() + "'"
                    + DidYouMean.hint(asset, p.outputAssets()));
            return;
        }
        Step first = writer.putIfAbsent(asset, step);
        if (first != null) {
            out.error(pos, "output '" + asset + "' is written twice (first at " + first.pos() + "); each output has one writer");
        }
    }

    private void checks(Pipeline p) {
        Set<String> names = new HashSet<>();
        Set<String> outputs = new HashSet<>(p.outputAssets());
        for (Check c : p.checks()) {
            if (!outputs.contains(c.asset())) {
                out.error(c.pos(), "check '" + c.name() + "' tests '" + c.asset() + "', which is not an output of pipeline '" + p.name() + "'"
                        + DidYouMean.hint(c.asset(), p.outputAssets()));
            }
            if (!names.add(c.asset() + "/" + c.name())) {
                out.error(c.pos(), "two checks of '" + c.asset() + "' are named '" + c.name() + "'; give one a different 'name'");
            }
            if (c instanceof Check.CustomSql sql) {
                sqlValidator.sqlText(sql.sql());
            }
        }
    }

    /** Two snapshots of one table would publish two assets of the same data, and race. */
    private void snapshotTablesOnce() {
        Map<String, Step.SnapshotTable> seen = new HashMap<>();
        Map<String, String> seenIn = new HashMap<>();
        for (Pipeline p : pipelines) {
            for (Step step : p.steps()) {
                if (!(step instanceof Step.Snapshot snap) || !(sourceByName.get(snap.source()) instanceof Source.Postgres pg)) {
                    continue;
                }
                for (Step.SnapshotTable t : snap.tables()) {
                    String key = pg.connection() + "/" + t.schema() + "/" + t.table();
                    Step.SnapshotTable first = seen.putIfAbsent(key, t);
                    if (first != null) {
                        out.error(t.pos(), "table " + t.qualifiedName() + " of connection '" + pg.connection() + "' is snapshotted twice (first by pipeline '"
                                + seenIn.get(key) + "' at " + first.pos() + "); snapshot it once and read its asset '" + first.output() + "'");
                    } else {
                        seenIn.put(key, p.name());
                    }
                }
            }
        }
    }

    private void cycles() {
        AssetGraph graph = AssetGraph.of(sources, pipelines);
        graph.findCycle().ifPresent(cycle -> {
            List<String> through = new ArrayList<>();
            for (int i = 1; i < cycle.size(); i++) {
                graph.producer(cycle.get(i)).filter(x -> !through.contains(x)).ifPresent(through::add);
            }
            Pipeline first = producerOf.get(cycle.get(1));
            out.error(first.pos(), "dependency cycle: " + String.join(" -> ", cycle)
                    + " (through pipelines " + String.join(", ", through) + "); an asset cannot depend on itself");
        });
    }
}
