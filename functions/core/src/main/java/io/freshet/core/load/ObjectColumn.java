package io.freshet.core.load;

import java.util.ArrayList;
import java.util.List;

import io.freshet.core.model.Check;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;

/**
 * The column {@value #NAME} that names, on every row of an S3 source input's view, the object the
 * row came from ({@code s3://bucket/key}). A view has it only when the pipeline's SQL (a step's or
 * a {@code sql} check's) names it, so that the outputs of {@code SELECT *} keep their schema in
 * every pipeline that never asked for it.
 */
public final class ObjectColumn {

    public static final String NAME = "_object";

    private ObjectColumn() {
    }

    /** Whether the SQL of {@code pipeline} names the column (unquoted or quoted, in any case, outside literals and comments). */
    public static boolean readBy(Project project, Pipeline pipeline) {
        return sqlTexts(pipeline).stream().map(project::sql).anyMatch(ObjectColumn::named);
    }

    static boolean named(String sql) {
        return sql != null && SqlReferences.words(sql).contains(NAME);
    }

    static List<SqlText> sqlTexts(Pipeline p) {
        List<SqlText> texts = new ArrayList<>();
        for (Step step : p.steps()) {
            if (step instanceof Step.Sql sql) texts.add(sql.sql());
        }
        for (Check c : p.checks()) {
            if (c instanceof Check.CustomSql sql) texts.add(sql.sql());
        }
        return texts;
    }
}
