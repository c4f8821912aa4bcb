package io.freshet.core.load;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.graph.AssetGraph;
import io.freshet.core.model.Observation;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.SqlText;
import io.freshet.core.yaml.DidYouMean;

/**
 * Every source and pipeline of a pipelines directory, validated together: what the functions
 * load at start, and what the CLI plans, graphs and deploys from.
 *
 * @param sqlFiles     the text of each referenced SQL file, by its path relative to the directory
 * @param codeVersions each pipeline's code version, by pipeline name
 * @param observations the sources the tick observes ({@code observe:}), one each at most
 */
public record Project(List<Source> sources, List<Pipeline> pipelines, AssetGraph graph,
                      Map<String, String> sqlFiles, Map<String, String> codeVersions, List<Observation> observations) {

    public Optional<Pipeline> pipeline(String name) {
        return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<Source> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The pipeline that writes {@code asset}, if it is a derived asset. */
    public Optional<Pipeline> producerOf(String asset) {
        return graph.producer(asset).flatMap(this::pipeline);
    }

    /** How a command says that {@code name} is no asset of this project, with the nearest name when there is one. */
    public String noSuchAsset(String name) {
        return "no asset named '" + name + "'" + DidYouMean.closest(name, graph.assets())
                .map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    public Optional<Output> output(String asset) {
        return producerOf(asset).flatMap(p -> p.output(asset));
    }

    public String codeVersion(String pipeline) {
        String v = codeVersions.get(pipeline);
        if (v == null) {
            throw new IllegalArgumentException("no pipeline named '" + pipeline + "'");
        }
        return v;
    }

    /** The SQL text itself, whether written inline or in a file. */
    public String sql(SqlText text) {
        return switch (text) {
            case SqlText.Inline i -> i.sql();
            case SqlText.File f -> sqlFiles.get(f.path());
        };
    }
}
