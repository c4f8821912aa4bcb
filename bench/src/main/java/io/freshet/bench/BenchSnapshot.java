package io.freshet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.postgresql.PGConnection;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.engine.snapshot.ParquetFileListener;
import io.freshet.engine.snapshot.PgConnectionInfo;
import io.freshet.engine.snapshot.PostgresSnapshot;
import io.freshet.engine.snapshot.SnapshotResult;
import io.freshet.engine.snapshot.SnapshotSettings;
import io.freshet.engine.snapshot.TableRequest;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;
import io.freshet.cli.OptionValues;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * PostgreSQL -> Parquet in S3 against the limit: a table of N rows of mixed types in a real
 * PostgreSQL, then, in rounds, (a) {@code COPY (FORMAT binary) TO STDOUT} into nowhere (how fast
 * PostgreSQL can emit the rows: the limit) and (b) Freshet's snapshot of the same table to zstd
 * Parquet in an S3 server, each file uploaded (multipart) as soon as it is complete while the next
 * is written, (b) ending when the last upload has. Prints both rates, the ratio b/a of the best
 * rounds, the peak heap and RSS, the Parquet size.
 *
 * <p>The S3 server (S3Proxy, {@link LocalS3}) runs in a child JVM: it keeps objects in memory,
 * which is S3's memory, not Freshet's, and must not count against this process's heap.
 */
@Command(name = "snapshot", description = "COPY (FORMAT binary) into nowhere against Freshet's snapshot of the same table to Parquet in S3: "
        + "rows/s, ratio, peak memory (see docs/performance.md).")
final class BenchSnapshot implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", converter = OptionValues.AtLeastOneLong.class, description = "rows in the table (default: ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--rounds", defaultValue = "3", converter = OptionValues.AtLeastOne.class, description = "measurements of each, interleaved; the best counts (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--memory-limit", defaultValue = "256MB", description = "DuckDB's memory_limit (default: ${DEFAULT-VALUE})")
    String memoryLimit;

    @Option(names = "--threads", defaultValue = "0", converter = OptionValues.NotNegative.class, description = "DuckDB threads; 0 = available processors (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--no-upload", description = "write the Parquet file only, do not upload it")
    boolean noUpload;

    @Option(names = "--heap-report", description = "also print each heap pool's peak, and the collections")
    boolean heapReport;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final String BUCKET = "bench";

    /** The best rate of each measure over the rounds, and the last round's Parquet. */
    private record Best(double limit, double snapshot, double total, long parquetBytes, int files) {
        static final Best NONE = new Best(0, 0, 0, 0, 0);

        Best and(Round r) {
            return new Best(Math.max(limit, r.limit()), Math.max(snapshot, r.snapshot()), Math.max(total, r.total()), r.parquetBytes(), r.files());
        }
    }

    /** One round's rates in rows/s, the seconds until written and until uploaded, and its Parquet. */
    private record Round(double limit, double snapshot, double total, double snapshotSeconds, double totalSeconds, long parquetBytes, int files) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int duckThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        HeapWatch heap = new HeapWatch();
        Path work = Files.createTempDirectory("freshet-bench-snapshot");
        try (LocalPostgres pg = LocalPostgres.start(); RemoteS3 s3 = noUpload ? null : RemoteS3.start()) {
            fill(pg, out, duckThreads);
            PgConnectionInfo info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
            ObjectStore store = s3 == null ? null : new ObjectStore(s3.client);
            heap.reset();
            Best best = Best.NONE;
            for (int round = 1; round <= rounds; round++) {
                Round r = round(pg, info, store, work, round, duckThreads);
                best = best.and(r);
                out.printf("round %d            (a) %,.0f rows/s   snapshot %.2f s%s   (b) %,.0f rows/s   b/a %.2f%n", round, r.limit(),
                        r.snapshotSeconds(), store == null ? "" : String.format(", last upload done %.2f s later", r.totalSeconds() - r.snapshotSeconds()),
                        r.total(), r.total() / r.limit());
                out.flush();
            }
            summary(out, best, store != null, heap);
            return 0;
        } finally {
            heap.close();
            TempDirs.delete(work);
        }
    }

    /** The table, filled with {@code rows} rows of mixed types; says so with the settings. */
    private void fill(LocalPostgres pg, PrintWriter out, int duckThreads) throws Exception {
        long t0 = System.nanoTime();
        pg.execute("CREATE TABLE bench (id bigint PRIMARY KEY, quantity int, amount numeric(12,2), note text, active boolean, "
                + "day date, at timestamptz, ref uuid)");
        pg.execute("INSERT INTO bench SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE ((g * 7919) % 100000)::int END, "
                + "((g * 31) % 10000000) / 100.0, CASE WHEN g % 17 = 0 THEN NULL ELSE left(md5(g::text), (g % 30)::int) END, g % 3 = 0, "
                + "date '2020-01-01' + (g % 2000)::int, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second', md5(g::text)::uuid "
                + "FROM generate_series(1::bigint, " + rows + ") g");
        pg.execute("VACUUM ANALYZE bench");
        out.printf("table              %,d rows (bigint, int, numeric(12,2), text, boolean, date, timestamptz, uuid), %s in PostgreSQL, filled in %.1f s%n",
                rows, tableSize(pg), (System.nanoTime() - t0) / 1e9);
        out.printf("settings           DuckDB memory_limit %s, threads %d; heap max %s; %d processors%n", memoryLimit, duckThreads,
                mb(Runtime.getRuntime().maxMemory()), Runtime.getRuntime().availableProcessors());
        out.flush();
    }

    /** One round: (a) COPY binary into nowhere, then (b) the snapshot with each file uploaded (unless {@code store} is null). */
    private Round round(LocalPostgres pg, PgConnectionInfo info, ObjectStore store, Path work, int round, int duckThreads) throws Exception {
        long t0 = System.nanoTime();
        long copied;
        try (Connection c = pg.connect()) {
            copied = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY bench TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream());
        }
        double limitSeconds = (System.nanoTime() - t0) / 1e9;
        if (copied != rows) {
            throw new IllegalStateException("COPY returned " + copied + " rows");
        }

        Path dir = work.resolve("round-" + round);
        String prefix = "raw/bench/round-" + round + "/";
        // Each file is uploaded as soon as it is complete, while the snapshot writes the next.
        ExecutorService uploader = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-upload"));
        List<Future<?>> uploads = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        ParquetFileListener upload = store == null ? ParquetFileListener.NONE : (output, file, fileRows) -> {
            String key = prefix + file.getFileName();
            keys.add(key);
            uploads.add(uploader.submit(() -> {
                store.put(BUCKET, key, file);
                Files.delete(file); // uploaded: local disk stays bounded by a few files
                return null;
            }));
        };
        t0 = System.nanoTime();
        SnapshotResult result;
        try {
            result = new PostgresSnapshot().snapshot(info, List.of(TableRequest.full("public", "bench", "raw.bench")), dir,
                    new SnapshotSettings(memoryLimit, duckThreads, dir.resolve("spill"), 1), upload);
        } finally {
            uploader.shutdown();
        }
        double snapshotSeconds = (System.nanoTime() - t0) / 1e9;
        for (Future<?> f : uploads) {
            f.get();
        }
        double totalSeconds = (System.nanoTime() - t0) / 1e9;
        if (result.rows() != rows) {
            throw new IllegalStateException("the snapshot has " + result.rows() + " rows");
        }
        if (store != null) {
            checkUploaded(store, prefix, keys, result.bytes());
        }
        TempDirs.delete(dir);
        return new Round(rows / limitSeconds, rows / snapshotSeconds, rows / totalSeconds, snapshotSeconds, totalSeconds, result.bytes(),
                result.tables().get(0).parquetFiles().size());
    }

    /** S3 holds every byte of the round's Parquet; then the objects go (S3Proxy keeps objects in memory). */
    private static void checkUploaded(ObjectStore store, String prefix, List<String> keys, long parquetBytes) {
        long stored = 0;
        for (var o : store.list(BUCKET, prefix)) {
            stored += o.size();
        }
        if (stored != parquetBytes) {
            throw new IllegalStateException("S3 holds " + stored + " bytes of " + parquetBytes);
        }
        store.deleteAll(BUCKET, keys);
    }

    private void summary(PrintWriter out, Best best, boolean uploaded, HeapWatch heap) {
        out.printf("(a) COPY binary    %,.0f rows/s (best of %d): the limit%n", best.limit(), rounds);
        out.printf("(b) snapshot       %,.0f rows/s (best of %d)%s%n", best.total(), rounds,
                uploaded ? ", Parquet written and uploaded to S3 (S3Proxy in a child JVM)" : ", Parquet written locally (--no-upload)");
        out.printf("ratio b/a          %.2f%n", best.total() / best.limit());
        if (uploaded) {
            out.printf("until written      %,.0f rows/s, ratio %.2f (the last file's upload not counted)%n", best.snapshot(), best.snapshot() / best.limit());
        }
        out.printf("parquet            %s in %d file(s), zstd (%.1f bytes/row)%n", mb(best.parquetBytes()), best.files(), (double) best.parquetBytes() / rows);
        out.printf("peak heap          %s used (largest heap before a collection: %s; sum of the pools' peaks: %s), %s committed, max %s%n",
                mb(heap.peakUsed()), mb(heap.peakBeforeGc.get()), mb(heap.poolPeaks()), mb(heap.peakCommitted()), mb(Runtime.getRuntime().maxMemory()));
        out.printf("peak RSS           %s (VmHWM: JVM, heap and DuckDB's native memory; PostgreSQL and S3 run in other processes)%n",
                rss("VmHWM").map(BenchSnapshot::mb).orElse("n/a"));
        if (heapReport) {
            heap.report(out);
        }
    }

    private static String tableSize(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_size_pretty(pg_total_relation_size('bench'))")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String mb(long bytes) {
        return String.format("%.0f MB", bytes / 1048576.0);
    }

    /** A field of /proc/self/status in bytes (Linux). */
    static Optional<Long> rss(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Optional.empty();
    }

    /**
     * {@link LocalS3} in a child JVM started from this same class path: S3Proxy keeps objects in
     * memory, which must not count against the benchmark's heap. The child prints its endpoint and
     * stops when its standard input closes.
     */
    static final class RemoteS3 implements AutoCloseable {
        final Process process;
        final S3Client client;

        private RemoteS3(Process process, URI endpoint) {
            this.process = process;
            this.client = S3Client.builder()
                    .endpointOverride(endpoint)
                    .forcePathStyle(true)
                    .httpClient(UrlConnectionHttpClient.create())
                    .region(Region.EU_CENTRAL_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .build();
        }

        static RemoteS3 start() throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-Xmx3g", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    Server.class.getName())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("endpoint ")) {
                    RemoteS3 s3 = new RemoteS3(p, URI.create(line.substring("endpoint ".length()).trim()));
                    s3.client.createBucket(b -> b.bucket(BUCKET));
                    return s3;
                }
            }
            p.destroy();
            throw new IOException("the S3 server did not start (exit " + p.exitValue() + ")");
        }

        @Override
        public void close() throws Exception {
            client.close();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
            }
        }

        /** The child: LocalS3 until standard input closes. */
        public static final class Server {
            public static void main(String[] args) throws IOException {
                try (LocalS3 s3 = LocalS3.start()) {
                    System.out.println("endpoint " + s3.endpoint());
                    System.out.flush();
                    while (System.in.read() >= 0) {
                        // wait for the parent to close our input
                    }
                }
            }
        }
    }
}
