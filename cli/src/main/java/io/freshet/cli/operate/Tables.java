package io.freshet.cli.operate;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.core.model.LakeTableName;
import io.freshet.cli.OptionValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code freshet tables}: each derived asset's lake table (catalog name, current snapshot,
 * metadata file, partitions and rows), from the asset events the publisher recorded
 * ({@link TableListing}). The JSON is documented in README.md ("The command line").
 */
@Command(name = "tables", description = "Each derived asset's Iceberg table: catalog name, current snapshot, metadata file, partitions and rows.")
public final class Tables extends Observe.Base {

    @Option(names = "--partitions", defaultValue = "10", converter = OptionValues.AtLeastOne.class,
            description = "show at most this many partitions of each table, newest first (default: ${DEFAULT-VALUE}; --json lists all)")
    int shown;

    public Tables(Clock clock) {
        super(clock);
    }

    @Override
    int run(Project project, StackTarget.Connection stack, PrintWriter out) {
        List<TableListing.Table> tables = TableListing.collect(project, stack.store().events(), stack.stackPrefix());
        List<TableListing.SourceAsset> sources = TableListing.sources(project);
        if (common.json) {
            json(out, json(LakeTableName.namespace(stack.stackPrefix()), tables, sources));
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("asset", "table", "snapshot", "partitions", "rows", "updated"));
        for (TableListing.Table t : tables) {
            rows.add(List.of(t.asset(), t.table(), t.snapshot().orElse(t.published() ? "-" : "(not published)"),
                    Integer.toString(t.partitions().size()), t.partitions().isEmpty() ? "-" : Long.toString(t.rows()),
                    t.updated().map(this::time).orElse("never")));
        }
        printAligned(rows, List.of(3, 4), out, "");
        for (TableListing.Table t : tables) {
            if (t.partitions().isEmpty()) {
                continue;
            }
            out.printf("%n%s  %s%n", t.asset(), t.table());
            out.printf("  metadata  %s%n", t.metadataLocation().orElse("- (no event of it names a table yet)"));
            List<List<String>> parts = new ArrayList<>();
            parts.add(List.of("partition", "snapshot", "rows", "updated"));
            for (TableListing.Partition p : t.partitions().subList(0, Math.min(shown, t.partitions().size()))) {
                parts.add(List.of(p.key().isEmpty() ? "-" : p.key(), p.snapshot().orElse("-"),
                        p.rows().isPresent() ? Long.toString(p.rows().getAsLong()) : "", time(p.time())));
            }
            printAligned(parts, List.of(2), out, "  ");
            if (t.partitions().size() > shown) {
                out.printf("  ... and %d older partition(s) (--partitions, or --json for all)%n", t.partitions().size() - shown);
            }
        }
        if (!sources.isEmpty()) {
            out.printf("%nsources, not tables: %s%n", String.join(", ", sources.stream().map(x -> x.asset() + " ("
                    + (x.kind().equals(TableListing.SourceAsset.POSTGRES) ? "PostgreSQL" : "S3 files") + ")").toList()));
        }
        out.flush();
        return 0;
    }

    static ObjectNode json(String namespace, List<TableListing.Table> tables, List<TableListing.SourceAsset> sources) {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        root.put("namespace", namespace);
        ArrayNode ts = root.putArray("tables");
        for (TableListing.Table t : tables) {
            ObjectNode n = ts.addObject();
            n.put("asset", t.asset());
            n.put("table", t.table());
            n.put("published", t.published());
            t.snapshot().ifPresent(s -> n.put("snapshot", s));
            t.metadataLocation().ifPresent(m -> n.put("metadataLocation", m));
            t.updated().ifPresent(u -> n.put("updated", u.toString()));
            n.put("rows", t.rows());
            ArrayNode ps = n.putArray("partitions");
            for (TableListing.Partition p : t.partitions()) {
                ObjectNode x = ps.addObject().put("partition", p.key());
                p.snapshot().ifPresent(s -> x.put("snapshot", s));
                p.rows().ifPresent(r -> x.put("rows", r));
                x.put("updated", p.time().toString()).put("eventId", p.eventId());
            }
        }
        ArrayNode ss = root.putArray("sources");
        sources.forEach(x -> ss.addObject().put("asset", x.asset()).put("kind", x.kind()));
        return root;
    }

    /** Columns as wide as their widest cell; those in {@code right} (numbers) aligned right. */
    static void printAligned(List<List<String>> rows, List<Integer> right, PrintWriter out, String indent) {
        int[] width = new int[rows.getFirst().size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                line.append(right.contains(i) ? pad + cell : i == r.size() - 1 ? cell : cell + pad);
                if (i < r.size() - 1) {
                    line.append("  ");
                }
            }
            out.println(line);
        }
    }
}
