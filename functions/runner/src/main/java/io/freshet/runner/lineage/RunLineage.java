package io.freshet.runner.lineage;

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
 * A run's OpenLineage events: START when an attempt begins, COMPLETE when it succeeded (or had
 * nothing to do), FAIL when it failed, with the datasets it read and wrote, so lineage tools
 * (Marquez, AWS DataZone, anything that reads OpenLineage) see Freshet's graph. Each attempt is
 * an OpenLineage run (its id derives from the Freshet run id and the attempt), the job is the
 * pipeline in the stack's namespace, and datasets are named as OpenLineage's naming conventions
 * ask: {@code s3://bucket} / key prefix, {@code postgres://connection} / schema.table.
 *
 * <p>Lineage is an observer: a sink that fails is logged and never fails the run.
 */
public final class RunLineage {

    /** Where the events go: an HTTP endpoint, the EventBridge bus, or both. */
    @FunctionalInterface
    public interface Sink {
        void emit(String runEventJson);
    }

    /** A dataset as OpenLineage names it, with what the run knows of it. */
    public record Dataset(String namespace, String name, Optional<String> version, Optional<Long> rows, Optional<Long> bytes) {
        public static Dataset of(String namespace, String name) {
            return new Dataset(namespace, name, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    public static final URI PRODUCER = URI.create("https://github.com/freshet-data/freshet/tree/main/functions/runner");
    public static final RunLineage NONE = new RunLineage("freshet", List.of(), null);

    private final String namespace;
    private final List<Sink> sinks;
    private final JsonLog log;
    private final OpenLineage ol = new OpenLineage(PRODUCER);

    public RunLineage(String namespace, List<Sink> sinks, JsonLog log) {
        this.namespace = namespace;
        this.sinks = List.copyOf(sinks);
        this.log = log;
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
        OpenLineage.RunFacetsBuilder runFacets = ol.newRunFacetsBuilder()
                .processing_engine(ol.newProcessingEngineRunFacetBuilder().name("freshet").version(version())
                        .openlineageAdapterVersion(OpenLineage.class.getPackage().getImplementationVersion()).build());
        error.ifPresent(e -> runFacets.errorMessage(ol.newErrorMessageRunFacetBuilder().message(e).programmingLanguage("Java").build()));
        // A partition is the run's nominal time window when it is a date or an hour.
        nominalTime(pipeline, run.partition()).ifPresent(runFacets::nominalTime);
        OpenLineage.JobFacets jobFacets = ol.newJobFacetsBuilder()
                .jobType(ol.newJobTypeJobFacetBuilder().processingType("BATCH").integration("FRESHET").jobType("PIPELINE").build())
                .documentation(pipeline.description().isBlank() ? null : ol.newDocumentationJobFacetBuilder().description(pipeline.description()).build())
                .build();
        List<OpenLineage.InputDataset> in = new ArrayList<>();
        for (Dataset d : inputs) {
            in.add(ol.newInputDatasetBuilder().namespace(d.namespace()).name(d.name()).facets(datasetFacets(d)).build());
        }
        List<OpenLineage.OutputDataset> out = new ArrayList<>();
        for (Dataset d : outputs) {
            OpenLineage.OutputDatasetBuilder b = ol.newOutputDatasetBuilder().namespace(d.namespace()).name(d.name()).facets(datasetFacets(d));
            if (d.rows().isPresent() || d.bytes().isPresent()) {
                b.outputFacets(ol.newOutputDatasetOutputFacetsBuilder().outputStatistics(ol.newOutputStatisticsOutputDatasetFacetBuilder()
                        .rowCount(d.rows().orElse(null)).size(d.bytes().orElse(null)).fileCount(1L).build()).build());
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

    private OpenLineage.DatasetFacets datasetFacets(Dataset d) {
        OpenLineage.DatasetFacetsBuilder b = ol.newDatasetFacetsBuilder()
                .dataSource(ol.newDatasourceDatasetFacetBuilder().name(d.namespace()).uri(URI.create(d.namespace())).build());
        d.version().ifPresent(v -> b.version(ol.newDatasetVersionDatasetFacetBuilder().datasetVersion(v).build()));
        return b.build();
    }

    private Optional<OpenLineage.NominalTimeRunFacet> nominalTime(Pipeline p, String partition) {
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

    private static String version() {
        String v = RunLineage.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
