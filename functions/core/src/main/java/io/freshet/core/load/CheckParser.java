package io.freshet.core.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.freshet.core.model.Check;
import io.freshet.core.model.SqlText;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.YNode;

/** Reads a pipeline's {@code checks}: not_null, unique, row_count, accepted_values and custom SQL. */
final class CheckParser {

    private final Diagnostics out;
    private final ValueSyntax syntax;

    CheckParser(Diagnostics out, ValueSyntax syntax) {
        this.out = out;
        this.syntax = syntax;
    }

    List<Check> checks(List<YNode> items, Optional<String> defaultAsset, int outputCount) {
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
                List<String> columns = syntax.strings(r.required("columns"), "'columns'");
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
                List<String> values = syntax.strings(r.required("values"), "'values'");
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
                Optional<SqlText> sql = syntax.sqlText(r);
                yield asset.flatMap(a -> name.flatMap(n -> sql.map(s -> new Check.CustomSql(a, n, s, blocking, pos))));
            }
        };
        r.finish();
        return check;
    }
}
