package io.freshet.cli.operate;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.load.Project;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.Request;
import io.freshet.cli.OptionValues;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Seeing a stack from the command line: {@code status}, {@code events}, {@code runs} and
 * {@code why}, as readable tables or {@code --json}, read from the state table of a deployed stack
 * or of the local one.
 */
public final class Observe {

    private Observe() {
    }

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Options every observing command takes. */
    static final class Common {
        @Option(names = "--json", description = "print JSON instead of a table")
        boolean json;

        @CommandLine.Mixin
        OptionValues.Zone zone;
    }

    abstract static class Base extends StackCommand {
        @CommandLine.Mixin
        Common common;

        Base(Clock clock) {
            super(clock);
        }

        @Override
        protected final int run(Project project, PrintWriter out, PrintWriter err) {
            return run(project, connect(), out);
        }

        abstract int run(Project project, StackTarget.Connection stack, PrintWriter out);

        String time(Instant t) {
            return TIME.format(LocalDateTime.ofInstant(t, common.zone.get()));
        }

        void json(PrintWriter out, Object node) {
            out.println(EventJson.write(EventJson.MAPPER.valueToTree(node)));
            out.flush();
        }
    }

    @Command(name = "status", description = "Every asset: last update, partition, data version, freshness, last checks, partitions built by older code.")
    public static final class Status extends Base {
        public Status(Clock clock) {
            super(clock);
        }

        @Override
        int run(Project project, StackTarget.Connection stack, PrintWriter out) {
            List<AssetStatus.Row> rows = AssetStatus.collect(project, stack.store(), stack.schedulerStore());
            if (!common.json) {
                AssetStatus.print(rows, out, common.zone.get());
                KeyStatus.print(KeyStatus.collect(project, stack.store()), out, common.zone.get());
                return 0;
            }
            ArrayNode a = EventJson.MAPPER.createArrayNode();
            for (AssetStatus.Row r : rows) {
                ObjectNode n = a.addObject();
                n.put("asset", r.asset());
                n.put("kind", r.kind());
                r.newest().ifPresent(e -> {
                    n.put("partition", e.partition());
                    n.put("updated", e.time().toString());
                    n.put("dataVersion", e.dataVersion());
                    n.put("eventId", e.eventId());
                    tableOf(e, n);
                    e.metadata().forEach((k, v) -> {
                        if (k.startsWith("check.")) {
                            n.with("checks").put(k.substring(6), v);
                        } else if (k.equals("rows")) {
                            n.put("rows", Long.parseLong(v));
                        }
                    });
                });
                n.put("freshness", r.policy().isEmpty() ? "none" : r.overdue() ? "overdue" : "fresh");
                r.policy().ifPresent(p -> n.put("policy", p));
                ArrayNode v = n.putArray("violations");
                r.violations().stream().filter(x -> x.overdue()).forEach(x -> v.addObject().put("partition", x.partition())
                        .put("since", x.since().toString()).put("reason", x.reason()));
                r.code().ifPresent(c -> codeJson(n, r, c));
                KeyStatus.of(project, stack.store(), r.asset()).ifPresent(k -> k.json(n));
            }
            json(out, a);
            return 0;
        }

        /** The asset's code versions: {@code stale} when any of its checked partitions was built by other code. */
        private static void codeJson(ObjectNode n, AssetStatus.Row r, CodeStatus c) {
            r.newest().flatMap(AssetEvent::codeVersion).ifPresent(v -> n.put("codeVersion", v));
            n.put("currentCodeVersion", c.current());
            n.put("currentCodeVersionFrom", c.from().wire());
            n.put("stale", !c.stale().isEmpty());
            n.put("partitionsChecked", c.checked());
            ArrayNode stale = n.putArray("stalePartitions");
            for (CodeStatus.StalePartition p : c.stale()) {
                stale.addObject().put("partition", p.partition()).put("stale", true).put("codeVersion", p.codeVersion())
                        .put("currentCodeVersion", c.current()).put("updated", p.updated().toString());
            }
        }
    }

    @Command(name = "events", description = "An asset's events, newest first: time, partition, producer, data version, rows.")
    public static final class Events extends Base {
        @Parameters(index = "0", description = "the asset, e.g. core.trips")
        String asset;

        @Option(names = "--partition", description = "only this partition")
        Optional<String> partition;

        @Option(names = "--limit", defaultValue = "20", converter = OptionValues.AtLeastOne.class, description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        public Events(Clock clock) {
            super(clock);
        }

        @Override
        int run(Project project, StackTarget.Connection stack, PrintWriter out) {
            if (!project.graph().assets().contains(asset)) {
                throw new OperateException(project.noSuchAsset(asset));
            }
            List<AssetEvent> recorded = partition.map(p -> new ArrayList<>(stack.store().events().history(asset, p)).reversed())
                    .orElseGet(() -> stack.store().events().recent(asset, limit));
            List<AssetEvent> events = recorded.stream().limit(limit).toList();
            if (common.json) {
                ArrayNode a = EventJson.MAPPER.createArrayNode();
                events.forEach(e -> a.add(tableOf(e, (ObjectNode) EventJson.read(EventJson.assetUpdated(e)))));
                json(out, a);
                return 0;
            }
            String f = "%-19s  %-12s  %-10s  %-30s  %-16s  %8s  %s%n";
            out.printf(f, "time", "partition", "producer", "by", "data version", "rows", "snapshot");
            for (AssetEvent e : events) {
                out.printf(f, time(e.time()), e.partition().isEmpty() ? "-" : e.partition(), e.producer().kind().wireName(),
                        shorten(e.producer().id(), 30), shorten(e.dataVersion(), 16), e.metadata().getOrDefault("rows", ""),
                        TableListing.snapshot(e).orElse(""));
            }
            if (events.isEmpty()) {
                out.println("(no events)");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "runs", description = "Runs, newest first, with why each was created and what it consumed.")
    public static final class Runs extends Base {
        @Option(names = "--pipeline", description = "only this pipeline")
        Optional<String> pipeline;

        @Option(names = "--state", description = "only runs in this state: ${COMPLETION-CANDIDATES}")
        Optional<RunState> state;

        @Option(names = "--limit", defaultValue = "20", converter = OptionValues.AtLeastOne.class, description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        public Runs(Clock clock) {
            super(clock);
        }

        @Override
        int run(Project project, StackTarget.Connection stack, PrintWriter out) {
            if (pipeline.isPresent() && project.pipeline(pipeline.get()).isEmpty()) {
                throw new OperateException("no pipeline named '" + pipeline.get() + "'");
            }
            List<Run> runs = new ArrayList<>();
            for (String p : pipeline.map(List::of).orElseGet(() -> project.pipelines().stream().map(x -> x.name()).toList())) {
                stack.store().runs().of(p).stream().filter(r -> state.isEmpty() || r.state() == state.get()).forEach(runs::add);
            }
            runs.sort(Comparator.comparing(Run::createdAt).reversed().thenComparing(Run::runId));
            runs = runs.subList(0, Math.min(limit, runs.size()));
            if (common.json) {
                ArrayNode a = EventJson.MAPPER.createArrayNode();
                runs.forEach(r -> a.add(runJson(r)));
                json(out, a);
                return 0;
            }
            for (Run r : runs) {
                out.printf("%s  %-28s %-9s %s  attempt %d%s%n", time(r.createdAt()), r.pipeline() + (r.partition().isEmpty() ? "" : "/" + r.partition()),
                        r.state(), r.runId(), r.attempt(), r.forced() ? "  forced" : "");
                out.printf("    why:      %s%n", r.reason());
                out.printf("    consumed: %s%n", r.consumed().isEmpty() ? "-" : String.join(", ", r.consumed()));
                r.finishReason().ifPresent(f -> out.printf("    ended:    %s%n", f));
            }
            if (runs.isEmpty()) {
                out.println("(no runs)");
            }
            out.flush();
            return 0;
        }
    }

    static ObjectNode runJson(Run r) {
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        n.put("runId", r.runId());
        n.put("pipeline", r.pipeline());
        n.put("partition", r.partition());
        n.put("state", r.state().name());
        n.put("reason", r.reason());
        n.put("createdAt", r.createdAt().toString());
        n.put("updatedAt", r.updatedAt().toString());
        n.put("attempt", r.attempt());
        n.put("forced", r.forced());
        r.finishReason().ifPresent(f -> n.put("finishReason", f));
        ArrayNode c = n.putArray("consumed");
        r.consumed().forEach(c::add);
        return n;
    }

    @Command(name = "why", description = "The chain of events and runs that led to a run.")
    public static final class Why extends Base {
        @Parameters(index = "0", description = "the run id, e.g. run-3f2a...")
        String runId;

        @Option(names = "--depth", defaultValue = "6", converter = OptionValues.AtLeastOne.class, description = "how many runs back to follow (default: ${DEFAULT-VALUE})")
        int depth;

        public Why(Clock clock) {
            super(clock);
        }

        @Override
        int run(Project project, StackTarget.Connection stack, PrintWriter out) {
            Run run = stack.store().runs().run(runId).orElseThrow(() -> new OperateException("no run " + runId + " on " + stack.description()));
            ObjectNode tree = explain(stack, run, depth);
            if (common.json) {
                json(out, tree);
            } else {
                print(tree, out, "", true);
                out.flush();
            }
            return 0;
        }

        /** A run, what it consumed, and for each event made by a run, that run's own story. */
        private ObjectNode explain(StackTarget.Connection stack, Run run, int left) {
            ObjectNode n = runJson(run);
            ArrayNode because = n.putArray("because");
            for (String id : run.consumed()) {
                ObjectNode c = because.addObject();
                if (Request.isRequestId(id)) {
                    c.put("request", id);
                    continue;
                }
                Optional<AssetEvent> e = stack.store().events().event(id);
                c.put("event", id);
                if (e.isEmpty()) {
                    continue;
                }
                c.put("asset", e.get().asset());
                c.put("partition", e.get().partition());
                c.put("time", e.get().time().toString());
                c.put("producer", e.get().producer().kind().wireName());
                c.put("by", e.get().producer().id());
                tableOf(e.get(), c);
                if (e.get().producer().kind() == Producer.Kind.RUN && left > 1) {
                    stack.store().runs().run(e.get().producer().id()).ifPresent(r -> c.set("run", explain(stack, r, left - 1)));
                }
            }
            return n;
        }

        private void print(ObjectNode run, PrintWriter out, String indent, boolean root) {
            out.printf("%s%s %s/%s %s, created %s%s%n", indent, root ? "run" : "made by run", run.path("pipeline").asText(), run.path("partition").asText(),
                    run.path("state").asText(), time(Instant.parse(run.path("createdAt").asText())),
                    run.path("forced").asBoolean() ? ", forced (runs even if nothing changed)" : "");
            out.printf("%s  id %s%n", indent, run.path("runId").asText());
            out.printf("%s  why: %s%n", indent, run.path("reason").asText());
            for (var c : run.path("because")) {
                if (c.has("request")) {
                    out.printf("%s  <- request %s%n", indent, c.path("request").asText());
                } else if (c.has("asset")) {
                    out.printf("%s  <- %s/%s at %s, %s %s%s%n", indent, c.path("asset").asText(), c.path("partition").asText(),
                            time(Instant.parse(c.path("time").asText())), c.path("producer").asText(), c.path("by").asText(),
                            c.has("snapshot") ? ", snapshot " + c.path("snapshot").asText() : "");
                    if (c.has("run")) {
                        print((ObjectNode) c.path("run"), out, indent + "     ", false);
                    }
                } else {
                    out.printf("%s  <- event %s (no longer recorded)%n", indent, c.path("event").asText());
                }
            }
        }
    }

    /** The table and snapshot an event published, when it published a lake table's partition. */
    static ObjectNode tableOf(AssetEvent e, ObjectNode n) {
        Optional.ofNullable(e.metadata().get(TableMetadata.TABLE)).ifPresent(t -> n.put("table", t));
        TableListing.snapshot(e).ifPresent(s -> n.put("snapshot", s));
        return n;
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
