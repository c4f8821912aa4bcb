package io.freshet.publisher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.freshet.aws.JsonLog;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.load.Project;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.state.StateStore;
import io.freshet.state.StoredEvent;
import io.freshet.tables.HousekeepingReport;
import io.freshet.tables.LakeHousekeeping;

/**
 * The lake's housekeeping on the schedule: {@link LakeHousekeeping} for the table of every
 * derived asset of the project (each output of each pipeline), protecting the snapshots that
 * active runs (QUEUED, RUNNING, PUBLISHING) consumed, as their input events name them. One table's
 * failure is logged and the others still run: a table that cannot be housekept now (a throttled
 * listing, a refused sweep) must not keep the others growing.
 */
final class ProjectHousekeeping {

    private final Project project;
    private final StateStore store;
    private final LakeHousekeeping housekeeping;
    private final JsonLog log;

    ProjectHousekeeping(Project project, StateStore store, LakeHousekeeping housekeeping, JsonLog log) {
        this.project = project;
        this.store = store;
        this.housekeeping = housekeeping;
        this.log = log;
    }

    HousekeepingRound run() {
        // Read once, before any table is touched. A run created after this read is not protected
        // by it; what it reads is kept anyway while its snapshot is younger than the retention or
        // its partition's files are still the current snapshot's (the partition not replaced since).
        Map<String, Set<Long>> protectedSnapshots = protectedSnapshots();
        List<HousekeepingReport> reports = new ArrayList<>();
        Map<String, String> failures = new TreeMap<>();
        for (String asset : derivedAssets()) {
            Set<Long> kept = protectedSnapshots.getOrDefault(asset, Set.of());
            try {
                Optional<HousekeepingReport> report = housekeeping.run(asset, kept);
                report.ifPresent(r -> {
                    reports.add(r);
                    log.info("table housekept", fields(asset, kept, r));
                });
            } catch (RuntimeException e) {
                failures.put(asset, e.getClass().getSimpleName() + ": " + e.getMessage());
                log.error("table housekeeping failed", Map.of("asset", asset, "error", String.valueOf(e.getMessage()),
                        "errorType", e.getClass().getName()));
            }
        }
        HousekeepingRound round = new HousekeepingRound(reports, failures);
        if (round.failed()) {
            log.error("housekeeping failed for some tables", round.totals());
        } else {
            log.info("housekeeping done", round.totals());
        }
        return round;
    }

    /** Every output of every pipeline, each once, in the project's order. */
    private Set<String> derivedAssets() {
        Set<String> assets = new LinkedHashSet<>();
        for (Pipeline p : project.pipelines()) {
            p.outputs().stream().map(Output::asset).forEach(assets::add);
        }
        return assets;
    }

    /**
     * Asset -> the snapshots of its events that runs not yet ended consumed: those runs read (or
     * will read) exactly the files those snapshots name. Requests among the consumed ids are no
     * events and protect nothing.
     */
    Map<String, Set<Long>> protectedSnapshots() {
        Map<String, Set<Long>> byAsset = new TreeMap<>();
        for (Run run : store.runs().active()) {
            for (String id : run.consumed()) {
                store.events().stored(id).map(StoredEvent::event).ifPresent(e -> snapshotOf(e, run)
                        .ifPresent(s -> byAsset.computeIfAbsent(e.asset(), a -> new TreeSet<>()).add(s)));
            }
        }
        return byAsset;
    }

    private Optional<Long> snapshotOf(AssetEvent e, Run run) {
        String snapshot = e.metadata().get(TableMetadata.SNAPSHOT);
        if (snapshot == null) {
            return Optional.empty(); // a source's event, or one recorded before the lake had tables
        }
        try {
            return Optional.of(Long.parseLong(snapshot));
        } catch (NumberFormatException bad) {
            log.warn("an input event names a snapshot that is not a number; it protects nothing",
                    Map.of("runId", run.runId(), "eventId", e.eventId(), "snapshot", snapshot));
            return Optional.empty();
        }
    }

    /** A report as a log line's fields (instants as text: the log's JSON has no time module). */
    private static Map<String, Object> fields(String asset, Set<Long> kept, HousekeepingReport r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("asset", asset);
        f.put("table", r.table());
        f.put("location", r.location());
        f.put("protectedSnapshots", List.copyOf(kept));
        f.put("unknownProtected", List.copyOf(new TreeSet<>(r.unknownProtected())));
        f.put("expiredBefore", r.expiredBefore().toString());
        f.put("orphansBefore", r.orphansBefore().toString());
        f.put("expiredSnapshots", r.expiredSnapshots());
        f.put("filesDeleted", r.filesDeleted());
        f.put("bytesDeleted", r.bytesDeleted());
        f.put("deleteFailures", r.deleteFailures());
        f.put("filesBefore", r.filesBefore());
        f.put("bytesBefore", r.bytesBefore());
        f.put("filesAfter", r.filesAfter());
        f.put("bytesAfter", r.bytesAfter());
        return f;
    }
}
