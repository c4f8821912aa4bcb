package io.freshet.core.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.freshet.core.model.AllowedProducers;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/** Reads a source's {@code allowed_producers:}: principal ARNs, each checked where it is written. */
final class ProducerParser {

    static final String KEY = "allowed_producers";

    private ProducerParser() {
    }

    /** The source's producers, {@link AllowedProducers#NONE} when it declares none; errors are located in {@code out}. */
    static AllowedProducers read(MapReader r, Diagnostics out) {
        if (r.get(KEY).isEmpty()) {
            return AllowedProducers.NONE;
        }
        YNode node = r.get(KEY).get();
        List<YNode> items = Values.list(node, "'" + KEY + "'", out);
        if (items.isEmpty() && node instanceof YNode.Sequence) {
            out.error(node.pos(), "'" + KEY + "' is empty: leave it out (no announcements), or list principal ARNs"
                    + " such as arn:aws:iam::123456789012:role/sales-export");
        }
        List<String> arns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YNode item : items) {
            Values.string(item, "an item of '" + KEY + "'", out).ifPresent(arn -> AllowedProducers.problem(arn).ifPresentOrElse(
                    problem -> out.error(item.pos(), "invalid producer: " + problem),
                    () -> {
                        if (!seen.add(arn)) {
                            out.error(item.pos(), "producer '" + arn + "' is listed twice");
                        } else {
                            arns.add(arn);
                        }
                    }));
        }
        return new AllowedProducers(arns);
    }

    /** A PostgreSQL source takes no announcements: there are no objects to name. */
    static void refuseOnPostgres(MapReader r, Diagnostics out) {
        if (r.has(KEY)) {
            out.error(r.keyPos(KEY), "'" + KEY + "' applies to S3 sources: a producer announces"
                    + " objects it wrote; a PostgreSQL source's changes are read by its snapshot pipeline");
        }
    }
}
