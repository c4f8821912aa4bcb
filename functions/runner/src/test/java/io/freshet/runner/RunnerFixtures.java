package io.freshet.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.state.StateStore;
import io.freshet.testkit.MutableClock;

/** What the runner's tests prepare alike: Parquet files written by DuckDB, source uploads recorded as s3-events would. */
final class RunnerFixtures {

    private RunnerFixtures() {
    }

    /** The rows of {@code select} as a Parquet file under {@code dir}, written by DuckDB. */
    static Path parquet(Path dir, String select) throws Exception {
        Path f = Files.createTempFile(dir, "dim", ".parquet");
        Files.delete(f);
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + f + "' (FORMAT parquet)");
        }
        return f;
    }

    /** Uploads {@code file} to the lake and records its event, one second apart from the next. */
    static AssetEvent source(ObjectStore objects, StateStore store, MutableClock clock, String lake,
                             String asset, String partition, Path file) {
        String key = "test/" + asset + "/" + partition + "/" + file.getFileName();
        objects.put(lake, key, file);
        AssetEvent e = new AssetEvent(Ids.hash(24, List.of(asset, partition, file.toString())), asset, partition, clock.instant(),
                new Producer(Producer.Kind.S3_UPLOAD, "s3://" + lake + "/" + key), Ids.hash(16, List.of(file.toString())),
                Optional.empty(), List.of("s3://" + lake + "/" + key), Map.of());
        store.events().record(e);
        clock.advance(Duration.ofSeconds(1));
        return e;
    }
}
