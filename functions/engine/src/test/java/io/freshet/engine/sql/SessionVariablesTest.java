package io.freshet.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session variables on the project's DuckDB: what a step reads with getvariable is what was set, with its type. */
class SessionVariablesTest {

    @Test
    void aStepReadsTextAndTimestampVariablesWithTheirTypes(@TempDir Path dir) throws Exception {
        try (DuckSession s = DuckSession.open(DuckSettings.defaults(dir.resolve("work")))) {
            s.setVariable("partition", "2026-05-26"); // a keyword elsewhere in SQL (PARTITION BY): quoted, it is a plain name
            s.setVariable("run_id", "it's-run-1");
            s.setVariable("partition_start", Optional.of(LocalDateTime.parse("2026-05-26T00:00")));
            s.setVariable("partition_end", Optional.empty());
            s.runStep("out.ctx", """
                    SELECT getvariable('partition') AS p, getvariable('run_id') AS r,
                           getvariable('partition_start') AS ps, getvariable('partition_end') AS pe,
                           typeof(getvariable('partition_start')) AS ps_type, typeof(getvariable('partition_end')) AS pe_type
                    """);
            try (Statement st = s.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM out.ctx")) {
                rs.next();
                assertEquals("2026-05-26", rs.getString("p"));
                assertEquals("it's-run-1", rs.getString("r"));
                assertEquals(LocalDateTime.parse("2026-05-26T00:00"), rs.getObject("ps", LocalDateTime.class));
                assertNull(rs.getObject("pe"));
                assertEquals("TIMESTAMP", rs.getString("ps_type"));
                assertEquals("TIMESTAMP", rs.getString("pe_type"));
            }
        }
    }
}
