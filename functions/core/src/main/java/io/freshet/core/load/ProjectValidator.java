package io.freshet.core.load;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.freshet.core.condition.Condition;
import io.freshet.core.graph.AssetGraph;
import io.freshet.core.location.LocationPattern;
import io.freshet.core.location.OverlapCandidates;
import io.freshet.core.model.Check;
import io.freshet.core.model.Input;
import io.freshet.core.model.Output;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.SourcePos;

/**
 * The checks that need more than one file: references between pipelines and sources, the shape
 * of the graph, S3 locations against each other, and the SQL files on disk.
 */
final class ProjectValidator {

    private final List<Source> sources;
    private final List<Pipeline> pipelines;
    private final Path dir;
    private final String displayDir;
    private final Set<String> parameters;
    private final Diagnostics out;
    private final Set<String> pipelinesWithBrokenSteps;

    private final Map<String, Source> sourceByName = new LinkedHashMap<>();
    private final Map<String, Pipeline> producerOf = new LinkedHashMap<>();
    /** The text of each SQL file that exists, by its path relative to the pipelines directory. */
    private final Map<String, String> sqlFiles = new TreeMap<>();
    private final Set<String> pipelinesWithUnknownInputs = new java.util.HashSet<>();

    ProjectValidator(List<Source> sources, List<Pipeline> pipelines, Path dir, String displayDir,
                     Set<String> parameters, Set<String> pipelinesWithBrokenSteps, Diagnostics out) {
        this.pipelinesWithBrokenSteps = pipelinesWithBrokenSteps;
        this.sources = sources;
        this.pipelines = pipelines;
        this.dir = dir;
        this.displayDir = displayDir;
        this.parameters = parameters;
        this.out = out;
    }

    Map<String, String> sqlFiles() {
        return sqlFiles;
    }

    void validate() {
        names();
        for (Source s : sources) {
            if (s instanceof Source.S3 s3) {
                parametersKnown(s3.location(), s3.locationPos());
                inLakeBucket(s3);
            }
        }
        for (Pipeline p : pipelines) {
            inputs(p);
            outputs(p);
            condition(p);
            steps(p);
            checks(p);
            sqlReadsOnlyItsAssets(p);
        }
        snapshotTablesOnce();
        overlaps();
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
                }
            }
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
            if (source instanceof Source.Postgres) {
                boolean snapshotted = p.steps().stream().anyMatch(s -> s instanceof Step.Snapshot snap && snap.source().equals(in.asset()));
                if (!snapshotted) {
                    out.error(in.pos(), "input '" + in.asset() + "' is a PostgreSQL source: only a 'snapshot' step reads it, and no snapshot step of this pipeline names it");
                }
                if (in.declaredMapping().isPresent()) {
                    out.error(in.pos(), "'mapping' does not apply to a PostgreSQL source: a snapshot reads the database as it is at the run");
                }
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

    private static String words(PartitionGrain g) {
        return g == PartitionGrain.NONE ? "not partitioned" : "partitioned " + g.yamlName();
    }

    private void outputs(Pipeline p) {
        for (Output o : p.outputs()) {
            LocationPattern loc = o.location();
            parametersKnown(loc, o.locationPos());
            if (!loc.isPrefix() || loc.hasWildcards()) {
                out.error(o.locationPos(), "the location of output '" + o.asset()
                        + "' must be a prefix ending in '/' without '*': the runner writes the asset's objects under it");
                continue;
            }
            PartitionGrain implied = loc.impliedGrain();
            if (implied != p.partitioning().grain()) {
                out.error(o.locationPos(), "the location of output '" + o.asset() + "' "
                        + (implied == PartitionGrain.NONE ? "has no partition placeholders" : "has " + implied.yamlName() + " placeholders")
                        + " but pipeline '" + p.name() + "' is " + words(p.partitioning().grain())
                        + (p.partitioning().grain() == PartitionGrain.DAILY ? "; add date={date}/" : "")
                        + (p.partitioning().grain() == PartitionGrain.HOURLY ? "; add date={date}/hour={hour}/" : ""));
            }
        }
    }

    /**
     * The stack routes only the lake bucket's S3 events to s3-events (template.yaml) and lets the
     * runner read only that bucket: a source elsewhere would validate and never fire.
     */
    private void inLakeBucket(Source.S3 s3) {
        String lake = "${" + LAKE_BUCKET + "}";
        String bucket = s3.location().bucket();
        boolean unknownParameter = bucket.startsWith("${") && !parameters.contains(bucket.substring(2, bucket.length() - 1));
        if (!bucket.equals(lake) && !unknownParameter) { // an unknown parameter is reported once, by parametersKnown
            out.error(s3.locationPos(), "source '" + s3.name() + "' is in bucket '" + s3.location().bucket()
                    + "', but the stack receives S3 events from and reads only the lake bucket " + lake
                    + ", so it would never fire: land its files under s3://" + lake + "/ (or replicate them there)");
        }
    }

    private static final String LAKE_BUCKET = "LakeBucket";

    private void parametersKnown(LocationPattern loc, SourcePos pos) {
        for (String name : loc.parameters()) {
            if (!parameters.contains(name)) {
                String hint = DidYouMean.hint(name, parameters);
                out.error(pos, "unknown parameter '${" + name + "}'"
                        + (hint.isEmpty() ? "; known parameters: " + String.join(", ", new TreeSet<>(parameters)) : hint));
            }
        }
    }

    private void condition(Pipeline p) {
        if (p.trigger().isEmpty()) {
            if (p.freshness().isPresent() && p.inputs().stream().allMatch(i -> sourceByName.get(i.asset()) instanceof Source.Postgres)) {
                out.error(p.freshness().get().pos(), "pipeline '" + p.name()
                        + "' is started by its freshness policy alone, which needs an input with update events; give it a cron 'trigger'");
            }
            return;
        }
        Optional<Condition> condition = p.trigger().get().condition();
        if (condition.isEmpty()) {
            return;
        }
        Set<String> inputs = new java.util.LinkedHashSet<>(p.inputAssets()); // a set: a condition may name thousands
        condition.get().references().forEach(a -> {
            SourcePos at = p.trigger().get().positionOf(a);
            if (!inputs.contains(a.name())) {
                String hint = DidYouMean.hint(a.name(), inputs);
                out.error(at, "the condition names '" + a.name() + "', which is not an input of pipeline '" + p.name() + "'"
                        + (hint.isEmpty() ? "; add it to 'inputs' or remove it from the condition" : hint));
            } else if (sourceByName.get(a.name()) instanceof Source.Postgres) {
                out.error(at, "the condition names '" + a.name() + "', a PostgreSQL source, which has no update events to wait for; snapshot it on a cron trigger");
            }
        });
    }

    private void steps(Pipeline p) {
        Map<String, Step> writer = new HashMap<>();
        Set<String> outputs = new java.util.HashSet<>(p.outputAssets());
        Set<String> inputs = new java.util.HashSet<>(p.inputAssets());
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
                }
                for (Step.SnapshotTable t : snap.tables()) {
                    stepOutput(p, outputs, t.output(), t.pos(), step, writer);
                }
            } else if (step instanceof Step.Sql sql) {
                sqlText(sql.sql());
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
        Set<String> names = new java.util.HashSet<>();
        Set<String> outputs = new java.util.HashSet<>(p.outputAssets());
        for (Check c : p.checks()) {
            if (!outputs.contains(c.asset())) {
                out.error(c.pos(), "check '" + c.name() + "' tests '" + c.asset() + "', which is not an output of pipeline '" + p.name() + "'"
                        + DidYouMean.hint(c.asset(), p.outputAssets()));
            }
            if (!names.add(c.asset() + "/" + c.name())) {
                out.error(c.pos(), "two checks of '" + c.asset() + "' are named '" + c.name() + "'; give one a different 'name'");
            }
            if (c instanceof Check.CustomSql sql) {
                sqlText(sql.sql());
            }
        }
    }

    /** Reads a referenced SQL file once, reporting it when it is missing, outside the directory or not UTF-8. */
    private void sqlText(SqlText text) {
        if (!(text instanceof SqlText.File f) || sqlFiles.containsKey(f.path())) {
            return;
        }
        Path file = dir.resolve(f.path()).normalize();
        if (!file.startsWith(dir.normalize()) || f.path().startsWith("/")) {
            out.error(f.pos(), "SQL file '" + f.path() + "' is outside the pipelines directory; keep SQL under " + displayDir + "/sql/");
            return;
        }
        if (!Files.isRegularFile(file)) {
            List<String> existing = existingSqlFiles();
            out.error(f.pos(), "SQL file '" + f.path() + "' not found (looked for " + displayDir + "/" + f.path() + ")"
                    + DidYouMean.hint(f.path(), existing));
            return;
        }
        try {
            long size = Files.size(file);
            if (size > ProjectLoader.MAX_FILE_BYTES) {
                out.error(f.pos(), "SQL file '" + f.path() + "' is " + size + " bytes, more than the " + ProjectLoader.MAX_FILE_BYTES
                        + " (4 MiB) a file may hold");
                return;
            }
            sqlFiles.put(f.path(), StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString());
        } catch (CharacterCodingException e) {
            out.error(f.pos(), "SQL file '" + f.path() + "' is not valid UTF-8");
        } catch (IOException e) {
            out.error(f.pos(), "SQL file '" + f.path() + "' cannot be read: " + e.getMessage());
        }
    }

    private List<String> existingSqlFiles() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(x -> x.toString().endsWith(".sql"))
                    .map(x -> dir.relativize(x).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The SQL of a step or a check may read the pipeline's inputs and outputs and nothing else the
     * project declares: the run loads only those, so another asset would be missing (or stale) at
     * run time, and the pipeline would not rerun when it changes. A name counts only when it is
     * exactly a declared asset's, outside literals, quoted identifiers and comments.
     */
    private void sqlReadsOnlyItsAssets(Pipeline p) {
        if (pipelinesWithUnknownInputs.contains(p.name())) {
            return; // a misspelt input is reported once, not again at each place the SQL reads it
        }
        Set<String> own = new java.util.HashSet<>(p.inputAssets());
        own.addAll(p.outputAssets());
        List<SqlText> texts = new ArrayList<>();
        for (Step step : p.steps()) {
            if (step instanceof Step.Sql sql) texts.add(sql.sql());
        }
        for (Check c : p.checks()) {
            if (c instanceof Check.CustomSql sql) texts.add(sql.sql());
        }
        Set<String> reported = new java.util.HashSet<>();
        for (SqlText text : texts) {
            String sql = switch (text) {
                case SqlText.Inline inline -> inline.sql();
                case SqlText.File file -> sqlFiles.get(file.path());
            };
            if (sql == null) {
                continue; // missing or unreadable: reported already
            }
            for (SqlReferences.Mention m : SqlReferences.of(sql)) {
                boolean declared = sourceByName.containsKey(m.name()) || producerOf.containsKey(m.name());
                if (!declared || own.contains(m.name())) {
                    continue;
                }
                SourcePos at = text instanceof SqlText.File file
                        ? new SourcePos((displayDir.equals(".") ? "" : displayDir + "/") + file.path(), m.line(), m.column())
                        : text.pos();
                if (reported.add(at.file() + "|" + m.name() + "|" + (text instanceof SqlText.File ? at.toString() : text.pos().toString()))) {
                    out.error(at, "the SQL of pipeline '" + p.name() + "' reads '" + m.name() + "', which is not one of its inputs"
                            + " or outputs: add it to 'inputs' (a run loads only those, and the pipeline reruns when they change)");
                }
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

    /**
     * A derived asset written where a source pattern matches would trigger its own pipeline (and
     * others) with every write; two derived assets sharing a prefix could not tell their objects apart.
     */
    private void overlaps() {
        OverlapCandidates<Source.S3> sourceIndex = new OverlapCandidates<>();
        for (Source s : sources) {
            if (s instanceof Source.S3 s3) {
                sourceIndex.add(s3.location(), s3);
            }
        }
        OverlapCandidates<Output> outputIndex = new OverlapCandidates<>();
        Map<Output, Integer> order = new HashMap<>();
        for (Pipeline p : pipelines) {
            for (Output o : p.outputs()) {
                if (o.location().isPrefix() && !o.location().hasWildcards()) {
                    order.put(o, order.size());
                    outputIndex.add(o.location(), o);
                }
            }
        }
        for (Pipeline p : pipelines) {
            for (Output o : p.outputs()) {
                if (!order.containsKey(o)) {
                    continue;
                }
                sourceIndex.candidates(o.location()).stream()
                        .sorted(java.util.Comparator.comparing(Source.S3::name))
                        .forEach(s3 -> o.location().overlapWitness(s3.location()).ifPresent(w -> out.error(o.locationPos(),
                                "the location of output '" + o.asset() + "' overlaps source '" + s3.name() + "' (" + s3.location().text()
                                        + "), e.g. " + w + ": its own writes would re-trigger it; move the output outside the source pattern")));
                // Report each overlapping pair once, at the output declared later.
                outputIndex.candidates(o.location()).stream()
                        .filter(other -> order.get(other) < order.get(o))
                        .sorted(java.util.Comparator.comparing(order::get))
                        .forEach(other -> o.location().overlapWitness(other.location()).ifPresent(w -> out.error(o.locationPos(),
                                "the location of output '" + o.asset() + "' overlaps that of '" + other.asset() + "' (" + other.location().text()
                                        + "), e.g. " + w + "; every asset needs a prefix of its own")));
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
