package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link SqlScript} cuts a file where psql would, and nowhere else. */
class SqlScriptTest {

    @Test
    void semicolonsInsideQuotesCommentsParenthesesAndBodiesDoNotEndAStatement() {
        String sql = """
                -- a comment; with a semicolon
                CREATE TABLE "odd;name" (id int, note text DEFAULT 'a;b''c;');
                INSERT INTO "odd;name" VALUES (1, E'it\\'s; escaped'), (2, $$dollar; quoted$$);
                /* nested /* comment; */ still; a comment */
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;
                CREATE OR REPLACE FUNCTION g(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT x; END;
                CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);
                SELECT $1, a$b$ FROM t;
                VACUUM ANALYZE
                """;
        List<String> statements = SqlScript.split(sql).stream().map(SqlScript.Statement::sql).toList();
        assertEquals(List.of(
                "CREATE TABLE \"odd;name\" (id int, note text DEFAULT 'a;b''c;')",
                "INSERT INTO \"odd;name\" VALUES (1, E'it\\'s; escaped'), (2, $$dollar; quoted$$)",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$",
                "CREATE OR REPLACE FUNCTION g(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT x; END",
                "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b)",
                "SELECT $1, a$b$ FROM t",
                "VACUUM ANALYZE\n"), statements);
    }

    @Test
    void eachStatementKnowsWhereItStartsAndEmptyOnesAreLeftOut() {
        String sql = "  ;;\nSELECT 1;  -- one\n\n  SELECT 2 ;";
        List<SqlScript.Statement> statements = SqlScript.split(sql);
        assertEquals(List.of(new SqlScript.Statement(5, "SELECT 1"), new SqlScript.Statement(sql.indexOf("SELECT 2"), "SELECT 2 ")), statements);
    }

    @Test
    void aPsqlMetaCommandIsRefusedWithItsPlace() {
        String sql = "CREATE TABLE t (id int);\n\\copy t FROM 'data.csv' csv\n";
        SqlScript.MetaCommandException e = assertThrows(SqlScript.MetaCommandException.class, () -> SqlScript.split(sql));
        assertEquals(sql.indexOf('\\'), e.offset);
        assertEquals(true, e.getMessage().startsWith("psql's meta-command \\copy is not SQL"), e.getMessage());
    }
}
