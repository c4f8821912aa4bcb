package io.freshet.cli.page;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.load.Project;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.runs.Run;
import io.freshet.core.trigger.Request;
import io.freshet.cli.operate.AssetStatus;
import io.freshet.cli.operate.KeyStatus;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.Violation;

/**
 * Everything the lineage page shows, read from a stack's state once: the graph's layout, each
 * asset's freshness (as {@code freshet status} computes it), latest events and newest checks, and
 * the latest runs of each pipeline with what they consumed. {@link #json()} is what the page embeds.
 */
public record PageData(Context context, GraphLayout.Layout layout, List<AssetView> assets, Map<String, PipelineView> pipelines) {

    /** Fresh: it has a policy and nothing is overdue. */
    public static final String FRESH = "fresh";
    /** A freshness violation is open. */
    public static final String OVERDUE = "overdue";
    /** Materialized, but nothing says how fresh it must be. */
    public static final String NO_POLICY = "none";
    /** No event yet (and nothing overdue). */
    public static final String NEVER = "never";

    /** How many events per asset and runs per pipeline the page carries. */
    public static final int EVENTS = 10;
    public static final int RUNS = 10;

    /** Where the data came from and how to show times. */
    public record Context(String stack, ZoneId zone, Instant generatedAt, boolean live) {
        public static Context of(String stack, ZoneId zone, Clock clock, boolean live) {
            return new Context(stack, zone, clock.instant(), live);
        }
    }

    public record AssetView(String name, String kind, String description, String state, Optional<String> policy,
                            Optional<Violation> violation, Optional<String> producer, List<String> consumers,
                            List<String> upstream, List<String> downstream, List<AssetEvent> events, List<Check> checks,
                            Optional<KeyStatus> keys) {

        /** An asset without dynamic keys. */
        public AssetView(String name, String kind, String description, String state, Optional<String> policy,
                         Optional<Violation> violation, Optional<String> producer, List<String> consumers,
                         List<String> upstream, List<String> downstream, List<AssetEvent> events, List<Check> checks) {
            this(name, kind, description, state, policy, violation, producer, consumers, upstream, downstream, events, checks,
                    Optional.empty());
        }

        public Optional<AssetEvent> newest() {
            return events.isEmpty() ? Optional.empty() : Optional.of(events.getFirst());
        }
    }

    public record Check(String name, boolean passed, String summary) {
    }

    /** What a run consumed: an event (its asset and partition when still recorded) or a request. */
    public record Consumed(String id, Optional<String> asset, Optional<String> partition) {
    }

    public record RunView(Run run, List<Consumed> consumed) {
    }

    public record PipelineView(String name, String description, String trigger, Optional<String> freshness, List<RunView> runs) {
    }

    public static PageData collect(Project project, StateStore store, ScheduleState schedulerStore, Context context) {
        List<AssetView> assets = new ArrayList<>();
        for (AssetStatus.Row row : AssetStatus.collect(project, store, schedulerStore)) {
            String asset = row.asset();
            List<AssetEvent> events = store.events().recent(asset, EVENTS);
            if (events.isEmpty() && row.newest().isPresent()) {
                events = List.of(row.newest().get());
            }
            Optional<Violation> open = row.violations().stream().filter(Violation::overdue).findFirst();
            String state = open.isPresent() ? OVERDUE : row.newest().isEmpty() ? NEVER : row.policy().isEmpty() ? NO_POLICY : FRESH;
            List<Check> checks = new ArrayList<>();
            row.newest().ifPresent(e -> new TreeMap<>(e.metadata()).forEach((k, v) -> {
                if (k.startsWith("check.")) {
                    checks.add(new Check(k.substring("check.".length()), v.startsWith("passed"), v));
                }
            }));
            String description = project.source(asset).map(Source::description)
                    .or(() -> project.producerOf(asset).map(Pipeline::description)).orElse("");
            assets.add(new AssetView(asset, row.kind(), description == null ? "" : description, state, row.policy(), open,
                    project.graph().producer(asset), List.copyOf(project.graph().consumers(asset)),
                    List.copyOf(project.graph().directUpstream(asset)), List.copyOf(project.graph().directDownstream(asset)),
                    events, List.copyOf(checks), KeyStatus.of(project, store, asset)));
        }
        Map<String, Optional<AssetEvent>> known = new HashMap<>();
        Map<String, PipelineView> pipelines = new LinkedHashMap<>();
        for (String name : project.graph().pipelineOrder()) {
            Pipeline p = project.pipeline(name).orElseThrow();
            List<RunView> runs = new ArrayList<>();
            for (Run r : store.runs().of(name).stream().limit(RUNS).toList()) {
                List<Consumed> consumed = new ArrayList<>();
                for (String id : r.consumed()) {
                    if (Request.isRequestId(id)) {
                        consumed.add(new Consumed(id, Optional.empty(), Optional.empty()));
                        continue;
                    }
                    Optional<AssetEvent> e = known.computeIfAbsent(id, k -> store.events().event(k));
                    consumed.add(new Consumed(id, e.map(AssetEvent::asset), e.map(AssetEvent::partition)));
                }
                runs.add(new RunView(r, List.copyOf(consumed)));
            }
            pipelines.put(name, new PipelineView(name, p.description() == null ? "" : p.description(), p.describeTrigger(),
                    p.freshness().map(Freshness::describe), List.copyOf(runs)));
        }
        return new PageData(context, GraphLayout.of(project.graph()), List.copyOf(assets), pipelines);
    }

    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter BRIEF = DateTimeFormatter.ofPattern("MM-dd HH:mm");

    /** The JSON the page embeds and draws from. */
    public ObjectNode json() {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        root.put("stack", context.stack());
        root.put("zone", context.zone().getId());
        root.put("generatedAt", context.generatedAt().toString());
        root.put("generatedAtText", full(context.generatedAt()));
        root.put("live", context.live());
        root.put("width", layout.width());
        root.put("height", layout.height());
        ArrayNode nodes = root.putArray("nodes");
        for (GraphLayout.NodeBox n : layout.nodes()) {
            nodes.addObject().put("asset", n.asset()).put("layer", n.layer()).put("x", n.x()).put("y", n.y())
                    .put("w", n.width()).put("h", n.height());
        }
        ArrayNode edges = root.putArray("edges");
        Map<String, AssetView> byName = new HashMap<>();
        assets.forEach(a -> byName.put(a.name(), a));
        for (GraphLayout.EdgePath e : layout.edges()) {
            ObjectNode o = edges.addObject().put("from", e.from()).put("to", e.to()).put("d", e.svgPath());
            Optional.ofNullable(byName.get(e.to())).flatMap(AssetView::producer).ifPresent(p -> o.put("pipeline", p));
        }
        ObjectNode as = root.putObject("assets");
        for (AssetView a : assets) {
            asset(as.putObject(a.name()), a);
        }
        ObjectNode ps = root.putObject("pipelines");
        for (PipelineView p : pipelines.values()) {
            pipeline(ps.putObject(p.name()), p);
        }
        return root;
    }

    private String full(Instant t) {
        return FULL.format(LocalDateTime.ofInstant(t, context.zone()));
    }

    private void asset(ObjectNode o, AssetView a) {
        o.put("name", a.name());
        o.put("kind", a.kind());
        o.put("description", a.description());
        o.put("state", a.state());
        a.policy().ifPresent(p -> o.put("policy", p));
        a.violation().ifPresent(v -> o.putObject("violation").put("partition", v.partition()).put("reason", v.reason())
                .put("since", v.since().toString()).put("sinceText", full(v.since())));
        a.producer().ifPresent(p -> o.put("producer", p));
        a.consumers().forEach(o.putArray("consumers")::add);
        a.upstream().forEach(o.putArray("upstream")::add);
        a.downstream().forEach(o.putArray("downstream")::add);
        a.newest().ifPresent(e -> o.put("updatedText", BRIEF.format(LocalDateTime.ofInstant(e.time(), context.zone()))));
        ArrayNode evs = o.putArray("events");
        for (AssetEvent e : a.events()) {
            ObjectNode x = evs.addObject();
            x.put("eventId", e.eventId());
            x.put("time", e.time().toString());
            x.put("timeText", full(e.time()));
            x.put("partition", e.partition());
            x.put("producer", e.producer().kind().wireName());
            x.put("by", e.producer().id());
            x.put("dataVersion", e.dataVersion());
            Optional.ofNullable(e.metadata().get("rows")).ifPresent(r -> x.put("rows", r));
            Optional.ofNullable(e.metadata().get(TableMetadata.SNAPSHOT)).ifPresent(v -> x.put("snapshot", v));
            Optional.of(EventKeys.describe(e)).filter(k -> !k.isEmpty()).ifPresent(k -> x.put("key", k));
        }
        a.keys().ifPresent(k -> keys(o, k));
        // The lake table the asset is published as, named by its newest event that published one.
        a.events().stream().map(e -> e.metadata().get(TableMetadata.TABLE)).filter(t -> t != null).findFirst()
                .ifPresent(t -> o.put("table", t));
        ArrayNode cs = o.putArray("checks");
        a.checks().forEach(c -> cs.addObject().put("name", c.name()).put("passed", c.passed()).put("summary", c.summary()));
    }

    /** A keyed asset's keys: each with its newest event's partition, time and rows. */
    private void keys(ObjectNode o, KeyStatus k) {
        o.put("keyColumn", k.column());
        ArrayNode keys = o.putArray("keys");
        for (Map<String, Object> row : k.rows()) {
            ObjectNode x = keys.addObject();
            row.forEach((name, value) -> x.put(name, String.valueOf(value)));
            x.put("timeText", full(Instant.parse((String) row.get("time"))));
        }
    }

    private void pipeline(ObjectNode o, PipelineView p) {
        o.put("name", p.name());
        o.put("description", p.description());
        o.put("trigger", p.trigger());
        p.freshness().ifPresent(f -> o.put("freshness", f));
        ArrayNode runs = o.putArray("runs");
        for (RunView rv : p.runs()) {
            Run r = rv.run();
            ObjectNode x = runs.addObject();
            x.put("runId", r.runId());
            x.put("partition", r.partition());
            x.put("state", r.state().name());
            x.put("reason", r.reason());
            x.put("createdAt", r.createdAt().toString());
            x.put("createdText", full(r.createdAt()));
            x.put("attempt", r.attempt());
            r.finishReason().ifPresent(f -> x.put("finishReason", f));
            ArrayNode c = x.putArray("consumed");
            for (Consumed k : rv.consumed()) {
                ObjectNode y = c.addObject().put("id", k.id());
                k.asset().ifPresent(s -> y.put("asset", s));
                k.partition().ifPresent(s -> y.put("partition", s));
            }
        }
    }
}
