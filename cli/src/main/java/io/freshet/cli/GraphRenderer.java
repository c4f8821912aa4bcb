package io.freshet.cli;

import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;

/**
 * Draws the asset graph left to right: sources on the left (a cylinder for a database, a
 * parallelogram for files landing in S3), derived assets as boxes, one edge per input and output
 * labelled with the pipeline that connects them.
 */
final class GraphRenderer {

    private GraphRenderer() {
    }

    static String render(Project project, GraphFormat format) {
        return format == GraphFormat.mermaid ? mermaid(project) : dot(project);
    }

    private static String mermaid(Project project) {
        StringBuilder b = new StringBuilder("flowchart LR\n");
        for (String asset : project.graph().topologicalOrder()) {
            String id = id(asset);
            String shape = project.source(asset).map(s -> s instanceof Source.Postgres
                    ? "[(\"" + asset + "\")]"
                    : "[/\"" + asset + "\"/]").orElse("[\"" + asset + "\"]");
            b.append("  ").append(id).append(shape).append('\n');
        }
        for (String name : project.graph().pipelineOrder()) {
            Pipeline p = project.pipeline(name).orElseThrow();
            for (String in : p.inputAssets()) {
                for (String out : p.outputAssets()) {
                    b.append("  ").append(id(in)).append(" -->|").append(p.name()).append("| ").append(id(out)).append('\n');
                }
            }
        }
        b.append("  classDef source fill:#e8f1fb,stroke:#3b73b9;\n");
        String sources = String.join(",", project.sources().stream().map(s -> id(s.name())).toList());
        if (!sources.isEmpty()) {
            b.append("  class ").append(sources).append(" source;\n");
        }
        return b.toString();
    }

    private static String dot(Project project) {
        StringBuilder b = new StringBuilder("digraph freshet {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        for (String asset : project.graph().topologicalOrder()) {
            String attrs = project.source(asset).map(s -> s instanceof Source.Postgres
                    ? " [shape=cylinder, style=filled, fillcolor=\"#e8f1fb\"]"
                    : " [shape=parallelogram, style=filled, fillcolor=\"#e8f1fb\"]").orElse("");
            b.append("  \"").append(asset).append('"').append(attrs).append(";\n");
        }
        for (String name : project.graph().pipelineOrder()) {
            Pipeline p = project.pipeline(name).orElseThrow();
            for (String in : p.inputAssets()) {
                for (String out : p.outputAssets()) {
                    b.append("  \"").append(in).append("\" -> \"").append(out).append("\" [label=\"").append(p.name()).append("\"];\n");
                }
            }
        }
        return b.append("}\n").toString();
    }

    /** Mermaid ids cannot hold dots. */
    private static String id(String asset) {
        return asset.replace('.', '_');
    }
}
