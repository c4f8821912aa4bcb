package io.freshet.core.load;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;

/**
 * What a {@code for_each} needs from the project: it iterates the objects of one S3 source input
 * of its pipeline, which its SQL reads, and its tasks see the inputs only (each task is a
 * database of its own: an earlier step's table is not in it).
 */
final class ForEachValidator {

    private final Diagnostics out;
    private final Map<String, Source> sourceByName;
    private final Map<String, String> sqlFiles;
    private final Set<String> pipelinesWithUnknownInputs;

    ForEachValidator(Diagnostics out, Map<String, Source> sourceByName, Map<String, String> sqlFiles, Set<String> pipelinesWithUnknownInputs) {
        this.out = out;
        this.sourceByName = sourceByName;
        this.sqlFiles = sqlFiles;
        this.pipelinesWithUnknownInputs = pipelinesWithUnknownInputs;
    }

    void validate(Pipeline p) {
        if (pipelinesWithUnknownInputs.contains(p.name())) {
            return; // the misspelt input is reported once
        }
        for (Step step : p.steps()) {
            if (step instanceof Step.Sql sql && sql.forEach().isPresent()) {
                iterated(p, sql.forEach().get()).ifPresent(input -> readsOnlyInputs(p, sql, input));
            }
        }
    }

    /** The S3 source input a {@code for_each} iterates, or an error at it. */
    private Optional<String> iterated(Pipeline p, Step.ForEach each) {
        List<String> s3Inputs = p.inputAssets().stream().filter(a -> sourceByName.get(a) instanceof Source.S3).toList();
        if (each.input().isEmpty()) {
            if (s3Inputs.size() == 1) {
                return Optional.of(s3Inputs.get(0));
            }
            out.error(each.pos(), s3Inputs.isEmpty()
                    ? "'for_each: object' runs the step once per object of an S3 source input, and pipeline '" + p.name() + "' reads none"
                    : "pipeline '" + p.name() + "' reads several S3 sources (" + String.join(", ", s3Inputs)
                            + "): name the one to iterate, e.g. for_each: {input: " + s3Inputs.get(0) + "}");
            return Optional.empty();
        }
        String input = each.input().get();
        if (p.input(input).isEmpty()) {
            out.error(each.pos(), "'for_each' names '" + input + "', which is not an input of pipeline '" + p.name() + "'"
                    + DidYouMean.hint(input, p.inputAssets()));
            return Optional.empty();
        }
        Source source = sourceByName.get(input);
        if (!(source instanceof Source.S3)) {
            out.error(each.pos(), "'for_each' iterates the objects of an S3 source, and '" + input + "' is "
                    + (source instanceof Source.Postgres ? "a PostgreSQL source" : "a derived asset (a run's output, one file per run)")
                    + (s3Inputs.isEmpty() ? "" : "; the S3 sources of pipeline '" + p.name() + "' are " + String.join(", ", s3Inputs)));
            return Optional.empty();
        }
        return Optional.of(input);
    }

    private void readsOnlyInputs(Pipeline p, Step.Sql step, String input) {
        String sql = textOf(step.sql());
        if (sql == null) {
            return; // missing or unreadable: reported already
        }
        List<String> mentioned = SqlReferences.of(sql).stream().map(SqlReferences.Mention::name).distinct().toList();
        if (!mentioned.contains(input)) {
            out.error(step.forEach().get().pos(), "the step runs once per object of '" + input + "', but its SQL does not read '" + input + "'");
        }
        List<String> outputs = mentioned.stream().filter(p.outputAssets()::contains).toList();
        if (!outputs.isEmpty()) {
            out.error(step.forEach().get().pos(), "a 'for_each' step reads the pipeline's inputs only (each object's task is a database of its own), and its SQL reads "
                    + String.join(", ", outputs) + ", written by a step of pipeline '" + p.name() + "'; read it in a later step instead");
        }
    }

    private String textOf(SqlText text) {
        return switch (text) {
            case SqlText.Inline inline -> inline.sql();
            case SqlText.File file -> sqlFiles.get(file.path());
        };
    }
}
