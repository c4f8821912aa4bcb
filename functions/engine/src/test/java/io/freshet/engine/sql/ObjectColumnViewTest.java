package io.freshet.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code _object} column of an input view: each row names its own object, in every format, and a file's own column of that name is refused. */
class ObjectColumnViewTest {

    @Test
    void eachRowNamesTheObjectItCameFromWhateverTheFormat(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("0-a.csv"), "id,amount\n1,10\n2,20\n");
        Path b = Files.writeString(dir.resolve("1-a.csv"), "id,amount,extra\n3,30,x\n"); // the same file name: the local path alone would not tell
        Path j = Files.writeString(dir.resolve("2-c.ndjson"), "{\"id\": 4}\n{\"id\": 5}\n");
        try (DuckSession s = DuckSession.open(DuckSettings.defaults(dir.resolve("work")))) {
            s.createInputView("landing.sales", List.of(a, b), InputFormat.CSV,
                    Optional.of(new DuckSession.ObjectColumn("_object", List.of("s3://lake/x/a.csv", "s3://lake/y/a.csv"))));
            assertEquals(List.of("1 s3://lake/x/a.csv", "2 s3://lake/x/a.csv", "3 s3://lake/y/a.csv"),
                    rows(s, "SELECT id || ' ' || _object FROM landing.sales ORDER BY id"));
            s.createInputView("landing.json", List.of(j), InputFormat.NDJSON, Optional.of(new DuckSession.ObjectColumn("_object", List.of("s3://lake/c.ndjson"))));
            assertEquals(List.of("4 s3://lake/c.ndjson", "5 s3://lake/c.ndjson"), rows(s, "SELECT id || ' ' || _object FROM landing.json ORDER BY id"));
            s.runStep("core.p", "SELECT id FROM landing.sales");
            Path parquet = s.writeParquet("core.p", dir.resolve("p.parquet"));
            s.createInputView("core.q", List.of(parquet), InputFormat.PARQUET, Optional.of(new DuckSession.ObjectColumn("_object", List.of("s3://lake/p.parquet"))));
            assertEquals(List.of("s3://lake/p.parquet"), rows(s, "SELECT DISTINCT _object FROM core.q"));
            s.createInputView("landing.plain", List.of(a), InputFormat.CSV);
            assertEquals(List.of("id", "amount"), s.columns("landing.plain"), "without the column, the view is the file's columns alone");
        }
    }

    @Test
    void aFileWithAColumnOfThatNameIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "id,_object\n1,mine\n");
        try (DuckSession s = DuckSession.open(DuckSettings.defaults(dir.resolve("work")))) {
            EngineException e = assertThrows(EngineException.class, () -> s.createInputView("landing.sales", List.of(a), InputFormat.CSV,
                    Optional.of(new DuckSession.ObjectColumn("_object", List.of("s3://lake/a.csv")))));
            assertTrue(e.getMessage().contains("\"_object\""), e.getMessage());
        }
    }

    private static List<String> rows(DuckSession s, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement st = s.connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
