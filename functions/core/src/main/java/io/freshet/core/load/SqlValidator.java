package io.freshet.core.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.freshet.core.model.Check;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.SourcePos;

/**
 * The SQL of a project: each referenced file read once (inside the directory, at most 4 MiB,
 * UTF-8), and each pipeline's SQL reading only the assets the pipeline declares.
 */
final class SqlValidator {

    private final Path dir;
    private final String displayDir;
    private final Diagnostics out;
    private final Map<String, Source> sourceByName;
    private final Map<String, Pipeline> producerOf;
    private final Set<String> pipelinesWithUnknownInputs;
    /** The text of each SQL file that exists, by its path relative to the pipelines directory. */
    private final Map<String, String> sqlFiles = new TreeMap<>();

    /** The maps and the set are the validator's own, filled as it goes. */
    SqlValidator(Path dir, String displayDir, Diagnostics out, Map<String, Source> sourceByName,
                 Map<String, Pipeline> producerOf, Set<String> pipelinesWithUnknownInputs) {
        this.dir = dir;
        this.displayDir = displayDir;
        this.out = out;
        this.sourceByName = sourceByName;
        this.producerOf = producerOf;
        this.pipelinesWithUnknownInputs = pipelinesWithUnknownInputs;
    }

    Map<String, String> sqlFiles() {
        return sqlFiles;
    }

    /** Reads a referenced SQL file once, reporting it when it is missing, outside the directory or not UTF-8. */
    void sqlText(SqlText text) {
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
            sqlFiles.put(f.path(), StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString());
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
    void sqlReadsOnlyItsAssets(Pipeline p) {
        if (pipelinesWithUnknownInputs.contains(p.name())) {
            return; // a misspelt input is reported once, not again at each place the SQL reads it
        }
        Set<String> own = new HashSet<>(p.inputAssets());
        own.addAll(p.outputAssets());
        Set<String> reported = new HashSet<>();
        for (SqlText text : sqlTexts(p)) {
            String sql = textOf(text);
            if (sql == null) {
                continue; // missing or unreadable: reported already
            }
            for (SqlReferences.Mention m : SqlReferences.of(sql)) {
                boolean declared = sourceByName.containsKey(m.name()) || producerOf.containsKey(m.name());
                if (!declared || own.contains(m.name())) {
                    continue;
                }
                SourcePos at = whereMentioned(text, m.line(), m.column());
                if (reported.add(at.file() + "|" + m.name() + "|" + (text instanceof SqlText.File ? at.toString() : text.pos().toString()))) {
                    out.error(at, "the SQL of pipeline '" + p.name() + "' reads '" + m.name() + "', which is not one of its inputs"
                            + " or outputs: add it to 'inputs' (a run loads only those, and the pipeline reruns when they change)");
                }
            }
        }
    }

    /**
     * The SQL of a step or a check reads the run's context with {@code getvariable} by one of the
     * names the runner sets ({@link RunVariables}): any other name would be NULL at run time, and
     * the step would quietly compute something else. Only literal names can be checked.
     */
    void sqlReadsOnlyRunVariables(Pipeline p) {
        for (SqlText text : sqlTexts(p)) {
            String sql = textOf(text);
            if (sql == null) {
                continue;
            }
            for (SqlReferences.VariableUse v : SqlReferences.variables(sql)) {
                if (!RunVariables.NAMES.contains(v.name().toLowerCase(Locale.ROOT))) { // DuckDB's variable names ignore case
                    out.error(whereMentioned(text, v.line(), v.column()), "the SQL of pipeline '" + p.name() + "' reads the variable '" + v.name()
                            + "', which a run does not set; the run's variables are " + String.join(", ", RunVariables.NAMES)
                            + DidYouMean.hint(v.name(), RunVariables.NAMES));
                }
            }
        }
    }

    /** The text of inline SQL or of a SQL file; null when the file is missing or unreadable (reported already). */
    private String textOf(SqlText text) {
        return switch (text) {
            case SqlText.Inline inline -> inline.sql();
            case SqlText.File file -> sqlFiles.get(file.path());
        };
    }

    /** The SQL of the pipeline's steps and of its custom checks, in that order. */
    private static List<SqlText> sqlTexts(Pipeline p) {
        List<SqlText> texts = new ArrayList<>();
        for (Step step : p.steps()) {
            if (step instanceof Step.Sql sql) texts.add(sql.sql());
        }
        for (Check c : p.checks()) {
            if (c instanceof Check.CustomSql sql) texts.add(sql.sql());
        }
        return texts;
    }

    /** The line and column of a mention in a SQL file; the SQL's own position when it is inline in the YAML. */
    private SourcePos whereMentioned(SqlText text, int line, int column) {
        return text instanceof SqlText.File file
                ? new SourcePos((displayDir.equals(".") ? "" : displayDir + "/") + file.path(), line, column)
                : text.pos();
    }
}
