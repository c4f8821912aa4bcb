package io.freshet.bench.coldstart;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

import io.freshet.bench.Medians;

/** The table {@code bench coldstart} ends with: per function and variant, the median (min) of each figure. */
final class ColdStartReport {

    private final PrintWriter out;
    private final int runs;

    ColdStartReport(PrintWriter out, int runs) {
        this.out = out;
        this.runs = runs;
    }

    /**
     * The floor's row, then each function's rows in the order asked for ({@code functions}), the
     * variants' descriptions, what was not measured and why, the first failures, and the total.
     */
    void print(List<Measured> floor, List<String> functions, Map<String, Map<Variant, List<Measured>>> results,
               Map<String, Map<Variant, String>> unavailable, List<Variant> chosen, double seconds) {
        out.println();
        out.printf("Milliseconds, median (min) of %d runs. JVM start = RuntimeMXBean.getStartTime(); init = handler constructed (what SnapStart snapshots);%n", runs);
        out.println("first/second = each invocation; wall = from launching the process to the first response, read from its output.");
        out.println();
        out.println("| function | variant | JVM start -> main | init | first invocation | second invocation | JVM start -> first response | wall: launch -> first response | classes loaded |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        List<Measured> okFloor = floor.stream().filter(Measured::ok).toList();
        out.printf("| floor | JVM that starts and prints | %s | | | | | %s | |%n", cell(okFloor, m -> (double) m.line().main()),
                cell(okFloor, Measured::wallFirstMs));
        int failures = floor.size() - okFloor.size();
        for (String function : functions) { // in the order asked for, whatever the order measured
            for (Map.Entry<Variant, List<Measured>> v : results.get(function).entrySet()) {
                failures += row(function, v.getKey(), v.getValue());
            }
        }
        ratios(functions, results);
        out.println();
        for (Variant v : chosen) {
            out.printf("%-10s %s%n", v.label, v.description);
        }
        unavailable.forEach((f, missing) -> missing.forEach((v, why) -> out.printf("not measured: %s %s: %s%n", f, v.label, why)));
        for (Map<Variant, List<Measured>> byVariant : results.values()) {
            byVariant.values().stream().flatMap(List::stream).filter(m -> !m.ok()).limit(3)
                    .forEach(m -> out.printf("failed: %s: %s%n  last output: %s%n", m.label(), m.line().error(), String.join("\n  ", m.tail())));
        }
        out.printf("%d JVMs in %.0f s%s%n", floor.size() + results.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum(),
                seconds, failures > 0 ? ", " + failures + " FAILED" : "");
        out.flush();
    }

    /** Each variant's median JVM start -> first response as a ratio to the template's, per row: what a variant buys. */
    private void ratios(List<String> rows, Map<String, Map<Variant, List<Measured>>> results) {
        out.println();
        out.println("JVM start -> first response, median / template's median:");
        for (String row : rows) {
            Map<Variant, List<Measured>> byVariant = results.get(row);
            OptionalDouble template = median(byVariant.getOrDefault(Variant.TEMPLATE, List.of()));
            if (template.isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder("  " + row + ":");
            byVariant.forEach((v, measured) -> median(measured).ifPresent(m -> line.append(" %s %.2f".formatted(v.label, m / template.getAsDouble()))));
            out.println(line);
        }
    }

    private static OptionalDouble median(List<Measured> measured) {
        double[] v = measured.stream().filter(Measured::ok).mapToDouble(m -> m.line().invoked()[0]).toArray();
        return v.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(Medians.of(v));
    }

    /** One function's row for one variant; returns how many of its runs failed. */
    private int row(String function, Variant variant, List<Measured> measured) {
        List<Measured> ok = measured.stream().filter(Measured::ok).toList();
        int failed = measured.size() - ok.size();
        out.printf("| %s | %s%s | %s | %s | %s | %s | %s | %s | %s |%n", function, variant.label, failed > 0 ? " (" + failed + " failed)" : "",
                cell(ok, m -> (double) m.line().main()), cell(ok, m -> (double) m.line().init()), cell(ok, m -> (double) m.line().first()),
                cell(ok, m -> (double) m.line().second()), cell(ok, m -> (double) m.line().invoked()[0]), cell(ok, Measured::wallFirstMs),
                cell(ok, m -> (double) m.line().classes()));
        return failed;
    }

    /** The median (min) of a metric over the runs, or - when there are none. */
    static String cell(List<Measured> runs, ToDoubleFunction<Measured> metric) {
        if (runs.isEmpty()) {
            return "-";
        }
        double[] v = runs.stream().mapToDouble(metric).toArray();
        return "%.0f (%.0f)".formatted(Medians.of(v), Arrays.stream(v).min().getAsDouble());
    }
}
