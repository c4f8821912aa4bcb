package io.freshet.publisher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.freshet.tables.HousekeepingReport;

/**
 * One housekeeping of every table of the project: the report of each table housekeeping reached,
 * and the assets whose housekeeping failed, each with why.
 *
 * @param reports  one per asset that has a table, in the project's order
 * @param failures asset -> the error, for the assets that failed (the others still ran)
 */
public record HousekeepingRound(List<HousekeepingReport> reports, Map<String, String> failures) {

    public HousekeepingRound {
        reports = List.copyOf(reports);
        failures = Map.copyOf(new TreeMap<>(failures));
    }

    public boolean failed() {
        return !failures.isEmpty();
    }

    /** The reports added up, for the handler's answer and the round's log line. */
    public Map<String, Object> totals() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("tables", reports.size());
        t.put("snapshotsExpired", reports.stream().mapToInt(r -> r.expiredSnapshots().size()).sum());
        t.put("filesDeleted", reports.stream().mapToInt(HousekeepingReport::filesDeleted).sum());
        t.put("bytesDeleted", reports.stream().mapToLong(HousekeepingReport::bytesDeleted).sum());
        t.put("deleteFailures", reports.stream().mapToInt(HousekeepingReport::deleteFailures).sum());
        t.put("filesBefore", reports.stream().mapToInt(HousekeepingReport::filesBefore).sum());
        t.put("bytesBefore", reports.stream().mapToLong(HousekeepingReport::bytesBefore).sum());
        t.put("filesAfter", reports.stream().mapToInt(HousekeepingReport::filesAfter).sum());
        t.put("bytesAfter", reports.stream().mapToLong(HousekeepingReport::bytesAfter).sum());
        t.put("failedAssets", new TreeMap<>(failures).keySet().stream().toList());
        return t;
    }
}
