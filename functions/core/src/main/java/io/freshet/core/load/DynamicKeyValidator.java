package io.freshet.core.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.freshet.core.model.DynamicKey;
import io.freshet.core.model.Input;
import io.freshet.core.model.InputKey;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.model.TableLayout;
import io.freshet.core.model.Source;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;

/**
 * The checks of dynamic keys (docs/pipelines.md, "Dynamic keys"): an output's {@code partition_by}
 * is on a partitioned output written by SQL whose result can have the column, and an input's
 * {@code key} names the column its producer partitions by.
 */
final class DynamicKeyValidator {

    /** SQL whose result columns cannot be read off its text: a star, {@code COLUMNS(...)}, a pivot. */
    private static final Pattern OPEN_COLUMNS = Pattern.compile("\\*|\\bcolumns\\s*\\(|\\bpivot\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern COMMENTS_AND_LITERALS = Pattern.compile("--[^\\n]*|/\\*.*?\\*/|'(?:[^']|'')*'", Pattern.DOTALL);

    private final Diagnostics out;
    private final Map<String, Source> sourceByName;
    private final Map<String, Pipeline> producerOf;
    private final Map<String, String> sqlFiles;

    DynamicKeyValidator(Diagnostics out, Map<String, Source> sourceByName, Map<String, Pipeline> producerOf, Map<String, String> sqlFiles) {
        this.out = out;
        this.sourceByName = sourceByName;
        this.producerOf = producerOf;
        this.sqlFiles = sqlFiles;
    }

    void validate(Pipeline p) {
        for (Output o : p.outputs()) {
            o.dynamicKey().ifPresent(k -> output(p, o, k));
        }
        for (Input in : p.inputs()) {
            in.key().ifPresent(k -> input(in, k));
        }
    }

    private void output(Pipeline p, Output o, DynamicKey key) {
        String what = "'partition_by' of output '" + o.asset() + "'";
        if (!p.partitioning().isPartitioned()) {
            out.error(key.pos(), what + " needs a partitioned pipeline ('partitions: daily' or 'hourly'): a run replaces its"
                    + " time partition with the keys it wrote");
            return;
        }
        Optional<String> timeColumn = TableLayout.of(o.location()).partitionColumn().map(TableLayout.PartitionColumn::name);
        if (timeColumn.filter(c -> c.equalsIgnoreCase(key.column())).isPresent()) {
            out.error(key.pos(), what + " names '" + key.column() + "', the time partition column; name a value column of the result");
            return;
        }
        Optional<Step> step = p.steps().stream().filter(s -> s.outputs().contains(o.asset())).findFirst();
        if (step.isPresent() && step.get() instanceof Step.Snapshot) {
            out.error(key.pos(), what + ": a snapshot output cannot have a dynamic key (a snapshot copies its table whole);"
                    + " derive a keyed asset from it with a SQL step");
            return;
        }
        if (step.isPresent() && step.get() instanceof Step.Sql sql) {
            String text = sql.sql() instanceof SqlText.Inline inline ? inline.sql()
                    : sqlFiles.get(((SqlText.File) sql.sql()).path());
            if (text != null && !canHaveColumn(text, key.column())) {
                out.error(key.pos(), what + " names column '" + key.column() + "', which the result of its SQL ("
                        + sql.sql().pos() + ") cannot have: the SQL never names it and selects no '*'");
            }
        }
    }

    /**
     * Whether a result column can be named {@code column}: the SQL names it somewhere outside
     * comments and string literals, or its columns are open (a star, {@code COLUMNS}, a pivot).
     * Only a SQL that neither names it nor opens its columns is known to lack it.
     */
    static boolean canHaveColumn(String sql, String column) {
        String code = COMMENTS_AND_LITERALS.matcher(sql).replaceAll(" ");
        if (OPEN_COLUMNS.matcher(code).find()) {
            return true;
        }
        Pattern word = Pattern.compile("(?<![A-Za-z0-9_$])" + Pattern.quote(column.toLowerCase(Locale.ROOT)) + "(?![A-Za-z0-9_$])");
        return word.matcher(code.toLowerCase(Locale.ROOT)).find();
    }

    private void input(Input in, InputKey key) {
        String what = "'key' of input '" + in.asset() + "'";
        if (sourceByName.containsKey(in.asset())) {
            out.error(key.pos(), what + ": '" + in.asset() + "' is a source, which has no dynamic keys; only an output with"
                    + " 'partition_by' has them");
            return;
        }
        Pipeline producer = producerOf.get(in.asset());
        if (producer == null) {
            return; // an unknown input is reported as such
        }
        Optional<DynamicKey> produced = producer.output(in.asset()).flatMap(Output::dynamicKey);
        if (produced.isEmpty()) {
            out.error(key.pos(), what + " names column '" + key.column() + "', but '" + in.asset() + "' (pipeline '" + producer.name()
                    + "') has no 'partition_by': it has no keys to choose from");
        } else if (!produced.get().column().equals(key.column())) {
            out.error(key.pos(), what + " names column '" + key.column() + "', but '" + in.asset() + "' is partitioned by '"
                    + produced.get().column() + "' (pipeline '" + producer.name() + "')"
                    + DidYouMean.hint(key.column(), List.of(produced.get().column())));
        }
    }
}
