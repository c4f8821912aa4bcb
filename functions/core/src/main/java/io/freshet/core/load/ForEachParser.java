package io.freshet.core.load;

import java.util.Optional;

import io.freshet.core.model.Step;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.YNode;

/**
 * Reads a SQL step's {@code for_each}: {@code object} (each object of the pipeline's only S3 source
 * input) or {@code {input: landing.sales, parallelism: 4}}. Whether the input fits the pipeline is
 * the project's question ({@link ForEachValidator}).
 */
final class ForEachParser {

    static final String KEY = "for_each";

    private final Diagnostics out;
    private final ValueSyntax syntax;

    ForEachParser(Diagnostics out, ValueSyntax syntax) {
        this.out = out;
        this.syntax = syntax;
    }

    Optional<Step.ForEach> read(YNode node) {
        if (node instanceof YNode.Scalar s && "object".equals(s.value())) {
            return Optional.of(new Step.ForEach(Optional.empty(), Step.ForEach.DEFAULT_PARALLELISM, node.pos()));
        }
        if (!(node instanceof YNode.Mapping)) {
            out.error(node.pos(), "'for_each' is 'object' (each object of the pipeline's S3 source input) or a mapping"
                    + " such as {input: landing.sales, parallelism: 4}, got " + node.describe());
            return Optional.empty();
        }
        return MapReader.of(node, "'for_each'", out).flatMap(r -> {
            Optional<String> input = r.requiredString("input");
            Optional<Long> parallelism = r.integer("parallelism", 1, Step.ForEach.MAX_PARALLELISM);
            boolean badParallelism = r.has("parallelism") && parallelism.isEmpty();
            r.finish();
            if (input.isEmpty() || badParallelism || !syntax.assetName(input.get(), r.keyPos("input"))) {
                return Optional.empty();
            }
            return Optional.of(new Step.ForEach(input, parallelism.map(Long::intValue).orElse(Step.ForEach.DEFAULT_PARALLELISM), node.pos()));
        });
    }

    /** A snapshot step reads tables of a database, not objects: {@code for_each} there is an error at its key. */
    static void refuseOnSnapshot(MapReader snapshot) {
        if (snapshot.has(KEY)) {
            snapshot.diagnostics().error(snapshot.keyPos(KEY), "'for_each' applies to a 'sql' step: a snapshot reads tables of a database, not objects");
        }
    }
}
