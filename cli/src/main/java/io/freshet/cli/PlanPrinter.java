package io.freshet.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.freshet.core.load.Project;
import io.freshet.core.model.Check;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Input;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Schedule;
import io.freshet.core.model.Source;
import io.freshet.core.model.SqlText;
import io.freshet.core.model.Step;
import io.freshet.core.yaml.Values;

/** What {@code freshet plan} prints: for each pipeline, in dependency order, everything that decides its runs. */
final class PlanPrinter {

    private static final int NEXT_RUNS = 3;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    private final Project project;
    private final Instant now;

    PlanPrinter(Project project, Instant now) {
        this.project = project;
        this.now = now;
    }

    String text() {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> p : plans()) {
            b.append(p.get("pipeline")).append("  (").append(p.get("file")).append(")\n");
            row(b, "code version", p.get("code_version"));
            row(b, "trigger", p.get("trigger"));
            @SuppressWarnings("unchecked")
            List<String> next = (List<String>) p.get("next_runs");
            if (!next.isEmpty()) {
                row(b, "next runs", String.join(", ", next));
            }
            row(b, "partitions", p.get("partitions"));
            row(b, "inputs", String.join(", ", strings(p.get("inputs"))));
            row(b, "outputs", String.join("\n                ", strings(p.get("outputs"))));
            row(b, "steps", String.join("\n                ", strings(p.get("steps"))));
            row(b, "checks", String.join("\n                ", strings(p.get("checks"))));
            row(b, "freshness", p.get("freshness"));
            row(b, "retries", p.get("retries"));
            row(b, "timeout", p.get("timeout"));
            b.append('\n');
        }
        return b.toString();
    }

    String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("pipelines", plans())) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan is plain maps and strings", e);
        }
    }

    private List<Map<String, Object>> plans() {
        List<Map<String, Object>> plans = new ArrayList<>();
        for (String name : project.graph().pipelineOrder()) {
            Pipeline p = project.pipeline(name).orElseThrow();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pipeline", p.name());
            m.put("file", p.file());
            m.put("code_version", project.codeVersion(p.name()));
            m.put("trigger", p.describeTrigger() + p.trigger()
                    .filter(t -> t.schedule().isPresent() && t.catchup())
                    .map(t -> ", catch-up of at most " + t.maxCatchup() + " missed ticks").orElse(""));
            m.put("next_runs", nextRuns(p));
            m.put("partitions", p.partitioning().describe());
            m.put("inputs", p.inputs().stream().map(this::input).toList());
            m.put("outputs", p.outputs().stream().map(PlanPrinter::output).toList());
            m.put("steps", p.steps().stream().map(this::step).toList());
            m.put("checks", p.checks().stream().map(PlanPrinter::check).toList());
            m.put("freshness", p.freshness().map(Freshness::describe).orElse("-"));
            m.put("retries", p.retries().attempts() + " (backoff " + Values.formatDuration(p.retries().backoff())
                    + ", at most " + Values.formatDuration(p.retries().maxBackoff()) + ")");
            m.put("timeout", Values.formatDuration(p.timeout()));
            plans.add(m);
        }
        return plans;
    }

    private List<String> nextRuns(Pipeline p) {
        Schedule s = p.trigger().flatMap(t -> t.schedule())
                .or(() -> p.freshness().filter(Freshness.Deadline.class::isInstance).map(f -> ((Freshness.Deadline) f).deadline()))
                .orElse(null);
        if (s == null) {
            return List.of();
        }
        ZoneId zone = s.zone();
        return s.cron().fireTimes(now, now.plus(Duration.ofDays(400)), zone, NEXT_RUNS).stream()
                .map(t -> WHEN.format(t.atZone(zone)) + (p.trigger().flatMap(x -> x.schedule()).isEmpty() ? " (deadline)" : ""))
                .toList();
    }

    private String input(Input in) {
        String kind = project.source(in.asset()).map(s -> switch (s) {
            case Source.Postgres pg -> "postgres connection '" + pg.connection() + "'";
            case Source.S3 s3 -> "S3 source " + s3.location().text();
        }).orElseGet(() -> "from " + project.graph().producer(in.asset()).orElse("?"));
        return in.asset() + in.declaredMapping().map(m -> " [" + m.yamlName() + "]").orElse("") + " (" + kind + ")";
    }

    private static String output(Output o) {
        return o.asset() + " -> " + o.location().text();
    }

    private String step(Step s) {
        return switch (s) {
            case Step.Snapshot snap -> "snapshot " + snap.source() + ": " + snap.tables().stream()
                    .map(t -> t.qualifiedName() + " -> " + t.output() + t.watermark().map(w -> " (incremental by " + w + ")").orElse(""))
                    .collect(Collectors.joining(", "));
            case Step.Sql sql -> "sql -> " + sql.output() + " (" + (sql.sql() instanceof SqlText.File f ? f.path() : "inline") + ")";
        };
    }

    private static String check(Check c) {
        return c.asset() + ": " + c.name() + (c.blocking() ? "" : " (non-blocking)");
    }

    private static void row(StringBuilder b, String label, Object value) {
        b.append("  ").append(String.format("%-14s", label)).append(value).append('\n');
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        List<String> l = (List<String>) o;
        return l.isEmpty() ? List.of("-") : l;
    }
}
