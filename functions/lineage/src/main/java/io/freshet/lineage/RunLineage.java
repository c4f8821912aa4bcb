package io.freshet.lineage;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.freshet.aws.JsonLog;
import io.freshet.core.model.Pipeline;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.runs.Run;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;

/**
 * A run's OpenLineage events: START when an attempt begins (the runner), COMPLETE when it
 * succeeded (the publisher, once its tables hold the outputs; the runner for a run with nothing to
 * do), FAIL when it failed (whichever failed it), with the datasets it read and wrote, so lineage tools
 * (Marquez, AWS DataZone, anything that reads OpenLineage) see Freshet's graph. Each attempt is
 * an OpenLineage run (its id derives from the Freshet run id and the attempt), the job is the
 * pipeline in the stack's namespace, and datasets are named as OpenLineage's naming conventions
 * ask: a lake table once, whatever partitions the run touched, by its catalog ({@link TableNaming}:
 * Glue, the JDBC catalog, else its location); files (sources' uploads) {@code s3://bucket} / key
 * prefix; snapshotted PostgreSQL tables {@code postgres://connection} / schema.table.
 *
 * <p>Lineage is an observer: a sink that fails is logged and never fails the run.
 */
public final class RunLineage {

    /** Where the events go: an HTTP endpoint, the EventBridge bus, or both. */
    @FunctionalInterface
    public interface Sink {
        void emit(String runEventJson);
    }

    /**
     * A dataset as OpenLineage names it, with what the run knows of it.
     *
     * @param files  how many data files the run read or wrote of it
     * @param table  the lake table it is, if it is one: {@link RunLineage} names it by its {@link TableNaming}
     * @param schema its columns, when known (a schema facet)
     */
    public record Dataset(String namespace, String name, Optional<String> version, Optional<Long> rows, Optional<Long> bytes,
                          Optional<Long> files, Optional<Table> table, List<Column> schema) {

        public Dataset {
            schema = List.copyOf(schema);
        }

        public static Dataset of(String namespace, String name) {
            return new Dataset(namespace, name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        }

        /** Files (S3 objects): a source's uploads, or an output no table holds. */
        public static Dataset files(String namespace, String name, Optional<String> version, Optional<Long> rows, Optional<Long> bytes, long files) {
            return new Dataset(namespace, name, version, rows, bytes, Optional.of(files), Optional.empty(), List.of());
        }

        /**
         * A lake table's partition as a run read or wrote it, its version the Iceberg snapshot;
         * named by its location until {@link RunLineage} names it by its catalog.
         */
        public static Dataset table(Table table, Optional<String> snapshot, Optional<Long> rows, Optional<Long> bytes, long files) {
            TableNaming.Name at = TableNaming.locationName(table.location());
            return new Dataset(at.namespace(), at.name(), snapshot, rows, bytes, Optional.of(files), Optional.of(table), List.of());
        }

        public Dataset withSchema(List<Column> columns) {
            return new Dataset(namespace, name, version, rows, bytes, files, table, columns);
        }
    }

    /**
     * A lake table: its catalog name ({@code namespace.table}, as the asset event records it) and
     * its location (the directory of its data and metadata files, {@code s3://bucket/key}).
     */
    public record Table(String catalogName, String location) {
        public Table {
            if (catalogName.indexOf('.') <= 0) {
                throw new IllegalArgumentException("a lake table's catalog name is namespace.table, not " + catalogName);
            }
        }

        /**
         * The table of an asset event: its directory is its metadata file's ({@code <location>/metadata/<file>}),
         * else its data files' ({@code <location>/data/...}), as Iceberg lays a table out.
         */
        public static Table of(String catalogName, String metadataLocation, List<String> dataFiles) {
            int at = metadataLocation == null ? -1 : metadataLocation.lastIndexOf("/metadata/");
            if (at > 0) {
                return new Table(catalogName, metadataLocation.substring(0, at));
            }
            return dataFiles.stream().filter(f -> f.indexOf("/data/") > 0).findFirst()
                    .map(f -> new Table(catalogName, f.substring(0, f.indexOf("/data/"))))
                    .orElseGet(() -> new Table(catalogName, "s3://unknown/" + catalogName));
        }

        /** The Iceberg namespace: a Glue database. */
        public String database() {
            return catalogName.substring(0, catalogName.lastIndexOf('.'));
        }

        public String tableName() {
            return catalogName.substring(catalogName.lastIndexOf('.') + 1);
        }
    }

    /** A column of a dataset's schema: its name and type, as the table declares them. */
    public record Column(String name, String type) {
    }

    public static final URI PRODUCER = URI.create("https://github.com/freshet-data/freshet/tree/main/functions/lineage");
    public static final RunLineage NONE = new RunLineage("freshet", List.of(), null);
    /** The Iceberg catalog's name, as the publisher configures it (CatalogConfig.CATALOG_NAME in the tables module). */
    static final String CATALOG_NAME = "freshet";

    private final String namespace;
    private final List<Sink> sinks;
    private final JsonLog log;
    private final TableNaming tables;

    /** Lake tables named by their location: for a runner that does not say which catalog holds them. */
    public RunLineage(String namespace, List<Sink> sinks, JsonLog log) {
        this(namespace, sinks, log, TableNaming.location());
    }

    /** Lake tables named by the catalog that holds them ({@link TableNaming}). */
    public RunLineage(String namespace, List<Sink> sinks, JsonLog log, TableNaming tables) {
        this.namespace = namespace;
        this.sinks = List.copyOf(sinks);
        this.log = log;
        this.tables = tables;
    }

    /** Whether events go nowhere ({@link #NONE}, no sink configured): callers may skip building them. */
    public boolean silent() {
        return sinks.isEmpty();
    }

    /** OpenLineage run ids are UUIDs: one per attempt of a Freshet run, the same on every call. */
    public static UUID runUuid(String runId, int attempt) {
        return UUID.nameUUIDFromBytes((runId + "#" + attempt).getBytes(StandardCharsets.UTF_8));
    }

    public void start(Run run, int attempt, Pipeline pipeline, Instant at) {
        emit(event(OpenLineage.RunEvent.EventType.START, run, attempt, pipeline, at, List.of(), List.of(), Optional.empty()));
    }

    public void complete(Run run, int attempt, Pipeline pipeline, Instant at, List<Dataset> inputs, List<Dataset> outputs) {
        emit(event(OpenLineage.RunEvent.EventType.COMPLETE, run, attempt, pipeline, at, inputs, outputs, Optional.empty()));
    }

    public void fail(Run run, int attempt, Pipeline pipeline, Instant at, List<Dataset> inputs, String reason) {
        emit(event(OpenLineage.RunEvent.EventType.FAIL, run, attempt, pipeline, at, inputs, List.of(), Optional.of(reason)));
    }

    /** The event as JSON (what the sinks receive), for tests and the docs. */
    public String event(OpenLineage.RunEvent.EventType type, Run run, int attempt, Pipeline pipeline, Instant at,
                        List<Dataset> inputs, List<Dataset> outputs, Optional<String> error) {
        OpenLineage ol = Builders.OPENLINEAGE;
        OpenLineage.RunFacetsBuilder runFacets = ol.newRunFacetsBuilder()
                .processing_engine(ol.newProcessingEngineRunFacetBuilder().name("freshet").version(version())
                        .openlineageAdapterVersion(OpenLineage.class.getPackage().getImplementationVersion()).build());
        error.ifPresent(e -> runFacets.errorMessage(ol.newErrorMessageRunFacetBuilder().message(e).programmingLanguage("Java").build()));
        // A partition is the run's nominal time window when it is a date or an hour.
        nominalTime(ol, pipeline, run.partition()).ifPresent(runFacets::nominalTime);
        OpenLineage.JobFacets jobFacets = ol.newJobFacetsBuilder()
                .jobType(ol.newJobTypeJobFacetBuilder().processingType("BATCH").integration("FRESHET").jobType("PIPELINE").build())
                .documentation(pipeline.description().isBlank() ? null : ol.newDocumentationJobFacetBuilder().description(pipeline.description()).build())
                .build();
        List<OpenLineage.InputDataset> in = new ArrayList<>();
        for (Dataset d : LineageDatasets.perDataset(LineageDatasets.named(inputs, tables))) {
            in.add(ol.newInputDatasetBuilder().namespace(d.namespace()).name(d.name()).facets(datasetFacets(ol, d)).build());
        }
        List<OpenLineage.OutputDataset> out = new ArrayList<>();
        for (Dataset d : LineageDatasets.perDataset(LineageDatasets.named(outputs, tables))) {
            OpenLineage.OutputDatasetBuilder b = ol.newOutputDatasetBuilder().namespace(d.namespace()).name(d.name()).facets(datasetFacets(ol, d));
            if (d.rows().isPresent() || d.bytes().isPresent()) {
                b.outputFacets(ol.newOutputDatasetOutputFacetsBuilder().outputStatistics(ol.newOutputStatisticsOutputDatasetFacetBuilder()
                        .rowCount(d.rows().orElse(null)).size(d.bytes().orElse(null)).fileCount(d.files().orElse(null)).build()).build());
            }
            out.add(b.build());
        }
        OpenLineage.RunEvent event = ol.newRunEventBuilder()
                .eventType(type)
                .eventTime(at.atZone(ZoneOffset.UTC))
                .run(ol.newRun(runUuid(run.runId(), attempt), runFacets.build()))
                .job(ol.newJob(namespace, pipeline.name(), jobFacets))
                .inputs(in)
                .outputs(out)
                .build();
        return OpenLineageClientUtils.toJson(event);
    }

    private OpenLineage.DatasetFacets datasetFacets(OpenLineage ol, Dataset d) {
        OpenLineage.DatasetFacetsBuilder b = ol.newDatasetFacetsBuilder()
                .dataSource(ol.newDatasourceDatasetFacetBuilder().name(d.namespace()).uri(URI.create(d.namespace())).build());
        d.version().ifPresent(v -> b.version(ol.newDatasetVersionDatasetFacetBuilder().datasetVersion(v).build()));
        d.table().ifPresent(t -> {
            b.storage(ol.newStorageDatasetFacetBuilder().storageLayer("iceberg").fileFormat("parquet").build());
            // The catalog facet requires the catalog's type: given only when the runner knows which catalog holds the table.
            if (!tables.catalogType().isEmpty()) {
                b.catalog(ol.newCatalogDatasetFacetBuilder().framework("iceberg").type(tables.catalogType()).name(CATALOG_NAME)
                        .warehouseUri(t.location()).build());
                TableNaming.Name at = TableNaming.locationName(t.location());
                b.symlinks(ol.newSymlinksDatasetFacetBuilder().identifiers(List.of(ol.newSymlinksDatasetFacetIdentifiersBuilder()
                        .namespace(at.namespace()).name(at.name()).type("LOCATION").build())).build());
            }
        });
        if (!d.schema().isEmpty()) {
            b.schema(ol.newSchemaDatasetFacetBuilder().fields(d.schema().stream()
                    .map(c -> ol.newSchemaDatasetFacetFieldsBuilder().name(c.name()).type(c.type()).build()).toList()).build());
        }
        return b.build();
    }

    private static Optional<OpenLineage.NominalTimeRunFacet> nominalTime(OpenLineage ol, Pipeline p, String partition) {
        if (partition.isEmpty()) {
            return Optional.empty();
        }
        var start = p.partitioning().grain().startOf(partition);
        var zone = p.partitioning().grain() == PartitionGrain.HOURLY ? ZoneOffset.UTC : p.partitioning().zone();
        var end = p.partitioning().grain() == PartitionGrain.HOURLY ? start.plusHours(1) : start.plusDays(1);
        return Optional.of(ol.newNominalTimeRunFacetBuilder().nominalStartTime(start.atZone(zone)).nominalEndTime(end.atZone(zone)).build());
    }

    private void emit(String json) {
        for (Sink s : sinks) {
            try {
                s.emit(json);
            } catch (RuntimeException e) {
                if (log != null) {
                    log.warn("OpenLineage event not delivered (the run goes on)", Map.of("error", String.valueOf(e)));
                }
            }
        }
    }

    /**
     * OpenLineage's builders, made on the first event a function builds, not with the function: a
     * runner's init and an invocation that starts no attempt (a redelivery) load none of OpenLineage
     * (docs/performance.md, "Cold start").
     */
    private static final class Builders {
        static final OpenLineage OPENLINEAGE = new OpenLineage(PRODUCER);
    }

    private static String version() {
        String v = RunLineage.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
