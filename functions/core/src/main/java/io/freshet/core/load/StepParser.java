package io.freshet.core.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/** Reads a pipeline's {@code steps}: PostgreSQL snapshots and DuckDB SQL. */
final class StepParser {

    private final Diagnostics out;
    private final ValueSyntax syntax;

    StepParser(Diagnostics out, ValueSyntax syntax) {
        this.out = out;
        this.syntax = syntax;
    }

    List<Step> steps(List<YNode> items, SourcePos stepsPos) {
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
                if (table.isEmpty() || output.isEmpty() || !syntax.assetName(output.get(), tr.keyPos("output"))) {
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
        ForEachParser.refuseOnSnapshot(r);
        r.finish();
        return source.map(s -> new Step.Snapshot(s, List.copyOf(tables), r.pos()));
    }

    private Optional<Step> sqlStep(MapReader r) {
        Optional<String> output = r.requiredString("output");
        Optional<SqlText> sql = syntax.sqlText(r);
        Optional<YNode> forEachNode = r.get(ForEachParser.KEY);
        Optional<Step.ForEach> forEach = forEachNode.flatMap(new ForEachParser(out, syntax)::read);
        r.finish();
        if (output.isEmpty() || sql.isEmpty() || !syntax.assetName(output.get(), r.keyPos("output"))
                || forEachNode.isPresent() && forEach.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Step.Sql(output.get(), sql.get(), forEach, r.pos()));
    }
}
