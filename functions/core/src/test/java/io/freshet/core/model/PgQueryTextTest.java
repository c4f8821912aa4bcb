package io.freshet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Placeholders are found where PostgreSQL reads SQL, never inside its literals, quoted names or comments. */
class PgQueryTextTest {

    static List<String> names(String sql) {
        return PgQueryText.scan(sql).placeholders().stream().map(PgQueryText.Placeholder::name).toList();
    }

    @Test
    void findsPlaceholdersOutsideLiteralsQuotedNamesAndComments() {
        String sql = """
                SELECT '{partition}', E'it\\'s {run_id}', $$ {pipeline} $$, $tag${pipeline}$tag$, "{x}" -- {partition_end}
                /* {a} /* nested {b} */ {c} */ FROM t WHERE a >= {partition_start} AND b < {partition_end}
                """;
        assertEquals(List.of("partition_start", "partition_end"), names(sql));
        assertTrue(PgQueryText.scan(sql).problem().isEmpty());
    }

    @Test
    void rewritesOnlyThePlaceholdersAndDropsAFinalSemicolon() {
        String sql = "SELECT '{partition}' AS p FROM t WHERE d = {partition}::date;  \n";
        assertEquals("SELECT '{partition}' AS p FROM t WHERE d = (P)::date", PgQueryText.rewrite(sql, n -> "(P)"));
    }

    @Test
    void aSecondStatementAndPositionalParametersAreProblemsAtTheirPlace() {
        PgQueryText.Scan two = PgQueryText.scan("SELECT 1; DROP TABLE t");
        assertEquals(8, two.problem().orElseThrow().offset());
        PgQueryText.Scan positional = PgQueryText.scan("SELECT * FROM t WHERE id > $1");
        assertEquals(27, positional.problem().orElseThrow().offset());
        assertTrue(PgQueryText.scan("SELECT a$1 FROM t; -- done").problem().isEmpty(), "an identifier with a $ and a final ';' are fine");
    }

    @Test
    void bracesThatAreNotAnIdentifierAreNoPlaceholder() {
        assertEquals(List.of(), names("SELECT '{1,2}'::int[], { 1 }, {} FROM t"));
    }
}
