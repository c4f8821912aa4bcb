package io.freshet.cli.operate;

import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.load.Project;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Source;
import io.freshet.core.yaml.Values;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.Violation;

/**
 * Every asset's state from the store: its newest event (partition, time, rows, data version), its
 * freshness (the policy and whether a violation is open), its newest checks and, for a derived asset,
 * its partitions built by an older code version ({@link CodeStatus}). What the demo
 * prints at the end and {@code freshet status} prints.
 */
public final class AssetStatus {

    private AssetStatus() {
    }

    public record Row(String asset, String kind, Optional<AssetEvent> newest, Optional<String> policy,
                      List<Violation> violations, int checksPassed, int checks, Optional<CodeStatus> code) {

        public boolean overdue() {
            return violations.stream().anyMatch(Violation::overdue);
        }

        public String freshness() {
            if (policy.isEmpty()) {
                return "-";
            }
            return violations.stream().filter(Violation::overdue).findFirst()
                    .map(v -> "OVERDUE" + (v.partition().equals("*") ? "" : " " + v.partition()))
                    .orElse("fresh");
        }
    }

    /** One row per asset, sources first, then in dependency order. */
    public static List<Row> collect(Project project, StateStore store, ScheduleState schedule) {
        List<Row> rows = new ArrayList<>();
        for (String asset : project.graph().topologicalOrder()) {
            Optional<Source> source = project.source(asset);
            String kind = source.map(s -> s instanceof Source.Postgres ? "postgres" : "s3 source").orElse("derived");
            Optional<AssetEvent> newest = store.events().newest(asset);
            Optional<Freshness> policy = source.flatMap(s -> s instanceof Source.S3 s3 ? s3.freshness() : Optional.empty())
                    .or(() -> project.producerOf(asset).flatMap(p -> p.freshness()));
            int checks = 0;
            int passed = 0;
            if (newest.isPresent()) {
                for (Map.Entry<String, String> m : newest.get().metadata().entrySet()) {
                    if (m.getKey().startsWith("check.")) {
                        checks++;
                        passed += m.getValue().startsWith("passed") ? 1 : 0;
                    }
                }
            }
            Optional<String> described = source.isPresent()
                    ? policy.map(f -> f instanceof Freshness.MaxLag m ? "new data at least every " + Values.formatDuration(m.maxLag()) : f.describe())
                    : policy.map(Freshness::describe);
            rows.add(new Row(asset, kind, newest, described, schedule.violations(asset), passed, checks,
                    CodeStatus.of(project, store, schedule, asset)));
        }
        return rows;
    }

    public static void print(List<Row> rows, PrintWriter out, ZoneId zone) {
        DateTimeFormatter t = DateTimeFormatter.ofPattern("MM-dd HH:mm");
        String format = "%-22s %-10s %-12s %-12s %9s  %-8s %-14s %-10s %-19s  %s%n";
        out.printf(format, "asset", "kind", "partition", "updated", "rows", "checks", "freshness", "code", "snapshot", "policy");
        for (Row r : rows) {
            String partition = r.newest().map(e -> e.partition().isEmpty() ? "-" : e.partition()).orElse("");
            String updated = r.newest().map(e -> t.format(LocalDateTime.ofInstant(e.time(), zone))).orElse("never");
            String rowsText = r.newest().map(e -> e.metadata().getOrDefault("rows", "")).orElse("");
            String checks = r.checks() == 0 ? "" : r.checksPassed() + "/" + r.checks();
            String snapshot = r.newest().flatMap(TableListing::snapshot).orElse("");
            String code = r.code().filter(c -> c.checked() > 0).map(CodeStatus::column).orElse("");
            out.printf(format, r.asset(), r.kind(), partition, updated, rowsText, checks, r.freshness(), code, snapshot, r.policy().orElse(""));
        }
        printStale(rows, out);
        out.flush();
    }

    /** One line per stale partition, then where the current versions came from. */
    private static void printStale(List<Row> rows, PrintWriter out) {
        List<String> local = new ArrayList<>();
        boolean any = false;
        for (Row r : rows) {
            if (r.code().isEmpty()) {
                continue;
            }
            CodeStatus c = r.code().get();
            any = true;
            if (c.from() == CodeStatus.From.LOCAL && !local.contains(c.pipeline())) {
                local.add(c.pipeline());
            }
            for (CodeStatus.StalePartition p : c.stale()) {
                out.printf("stale: %s/%s built with code %s, now %s%n", r.asset(), p.partition().isEmpty() ? "-" : p.partition(),
                        CodeStatus.shortVersion(p.codeVersion()), CodeStatus.shortVersion(c.current()));
            }
            if (c.checked() == CodeStatus.PARTITIONS_CHECKED) {
                out.printf("code: only the newest %d partitions of %s were checked%n", CodeStatus.PARTITIONS_CHECKED, r.asset());
            }
        }
        if (any) {
            out.println(local.isEmpty() ? "code: compared with the versions the stack's scheduler recorded as deployed"
                    : "code: compared with the versions the stack's scheduler recorded as deployed, and the local checkout's for "
                            + String.join(", ", local) + " (not seen by the scheduler yet)");
        }
    }
}
