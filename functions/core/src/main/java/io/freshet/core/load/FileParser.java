package io.freshet.core.load;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.freshet.core.model.Observation;
import io.freshet.core.model.Connection;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.YNode;

/**
 * Turns the YAML of one file into sources or a pipeline, reporting every mistake it can see
 * inside that file ({@link SourceParser}, {@link PipelineParser}). Checks that need other files
 * (unknown inputs, cycles, overlaps) live in {@link ProjectValidator}.
 */
final class FileParser {

    private final Diagnostics out;
    private final SourceParser sourceParser;
    private final PipelineParser pipelineParser;
    private final ConnectionParser connectionParser;

    FileParser(Diagnostics out, Optional<Instant> notBefore) {
        this.out = out;
        ValueSyntax syntax = new ValueSyntax(out, notBefore);
        ScheduleParser schedules = new ScheduleParser(out, syntax);
        this.sourceParser = new SourceParser(out, syntax, schedules);
        this.pipelineParser = new PipelineParser(out, syntax, schedules);
        this.connectionParser = new ConnectionParser(out);
    }

    /** What one file declared. */
    sealed interface Parsed permits SourcesFile, PipelineFile {
    }

    /** A sources file; it may declare {@code connections:} beside its sources, or only them. */
    record SourcesFile(List<Source> sources, List<Connection> connections) implements Parsed {
    }

    record PipelineFile(Pipeline pipeline, YNode root) implements Parsed {
    }

    /** Every source's {@code observe:}, from the sources files parsed so far. */
    List<Observation> observations() {
        return sourceParser.observations();
    }

    Set<String> pipelinesWithBrokenSteps() {
        return pipelineParser.pipelinesWithBrokenSteps();
    }

    Optional<Parsed> parse(String file, YNode root) {
        Set<String> topKeys = new HashSet<>();
        if (root instanceof YNode.Mapping m) {
            m.entries().forEach(e -> topKeys.add(e.key().value()));
        }
        boolean isPipeline = topKeys.contains("pipeline");
        boolean isSources = topKeys.contains("sources");
        boolean isConnections = topKeys.contains("connections") && !isPipeline;
        Optional<MapReader> top = MapReader.of(root, isSources && !isPipeline ? "the sources file" : isPipeline ? "the pipeline file" : "the file", out);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = top.get();
        if (isPipeline && isSources) {
            out.error(r.keyPos("sources"), "a file declares either a pipeline or sources, not both: move 'sources' to a file of its own");
            return Optional.empty();
        }
        List<Connection> connections = isConnections
                ? r.get("connections").map(connectionParser::connections).orElse(List.of()) : List.of();
        if (isSources) {
            return Optional.of(new SourcesFile(sourceParser.sources(r), connections));
        }
        if (isConnections) {
            r.finish();
            return Optional.of(new SourcesFile(List.of(), connections));
        }
        if (isPipeline) {
            return pipelineParser.pipeline(file, r).map(p -> new PipelineFile(p, root));
        }
        out.error(r.pos(), "expected a pipeline file (with 'pipeline: <name>') or a sources file (with 'sources:')");
        return Optional.empty();
    }
}
