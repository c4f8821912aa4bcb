package io.freshet.core.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;

/**
 * Assets and the pipelines between them: an edge runs from each input of a pipeline to each of
 * its outputs. Every answer is deterministic (sorted by name where the graph leaves a choice), so
 * plans, rules and diagrams do not change from one run to the next.
 */
public final class AssetGraph {

    private final Set<String> sources;
    private final Map<String, String> producer = new TreeMap<>();
    private final Map<String, Set<String>> consumers = new TreeMap<>();
    private final Map<String, Set<String>> up = new TreeMap<>();
    private final Map<String, Set<String>> down = new TreeMap<>();
    private final Map<String, Pipeline> pipelines = new TreeMap<>();

    private AssetGraph(List<Source> sourceList, List<Pipeline> pipelineList) {
        this.sources = new TreeSet<>();
        for (Source s : sourceList) {
            sources.add(s.name());
            node(s.name());
        }
        for (Pipeline p : pipelineList) {
            pipelines.put(p.name(), p);
            for (String out : p.outputAssets()) {
                producer.putIfAbsent(out, p.name());
                node(out);
            }
            for (String in : p.inputAssets()) {
                node(in);
                consumers.get(in).add(p.name());
                for (String out : p.outputAssets()) {
                    // A pipeline reading its own output is rejected by validation in plainer
                    // words than "cycle"; the graph leaves that edge out.
                    if (!in.equals(out)) {
                        down.get(in).add(out);
                        up.get(out).add(in);
                    }
                }
            }
        }
    }

    public static AssetGraph of(List<Source> sources, List<Pipeline> pipelines) {
        return new AssetGraph(sources, pipelines);
    }

    private void node(String asset) {
        up.computeIfAbsent(asset, k -> new TreeSet<>());
        down.computeIfAbsent(asset, k -> new TreeSet<>());
        consumers.computeIfAbsent(asset, k -> new TreeSet<>());
    }

    public Set<String> assets() {
        return Collections.unmodifiableSet(up.keySet());
    }

    public boolean isSource(String asset) {
        return sources.contains(asset);
    }

    public Optional<String> producer(String asset) {
        return Optional.ofNullable(producer.get(asset));
    }

    /** The pipelines that read {@code asset}. */
    public Set<String> consumers(String asset) {
        return Collections.unmodifiableSet(consumers.getOrDefault(asset, Set.of()));
    }

    public Set<String> directUpstream(String asset) {
        return Collections.unmodifiableSet(up.getOrDefault(asset, Set.of()));
    }

    public Set<String> directDownstream(String asset) {
        return Collections.unmodifiableSet(down.getOrDefault(asset, Set.of()));
    }

    /** Every asset {@code asset} is built from, directly or not. */
    public Set<String> upstream(String asset) {
        return reach(asset, up);
    }

    /** Every asset built from {@code asset}, directly or not: what a backfill with --downstream rebuilds. */
    public Set<String> downstream(String asset) {
        return reach(asset, down);
    }

    private static Set<String> reach(String start, Map<String, Set<String>> edges) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(edges.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String a = todo.pop();
            if (seen.add(a)) {
                todo.addAll(edges.getOrDefault(a, Set.of()));
            }
        }
        seen.remove(start);
        return seen;
    }

    /** Assets so that each comes after everything it is built from; ties broken by name. */
    public List<String> topologicalOrder() {
        Map<String, Integer> indegree = new HashMap<>();
        up.forEach((a, ins) -> indegree.put(a, ins.size()));
        PriorityQueue<String> ready = new PriorityQueue<>();
        indegree.forEach((a, d) -> {
            if (d == 0) ready.add(a);
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String a = ready.poll();
            order.add(a);
            for (String b : down.get(a)) {
                if (indegree.merge(b, -1, Integer::sum) == 0) {
                    ready.add(b);
                }
            }
        }
        if (order.size() != up.size()) {
            throw new IllegalStateException("the asset graph has a cycle: " + String.join(" -> ", findCycle().orElseThrow()));
        }
        return order;
    }

    /** Pipelines so that each comes after the producers of its inputs. */
    public List<String> pipelineOrder() {
        Set<String> order = new LinkedHashSet<>();
        for (String asset : topologicalOrder()) {
            producer(asset).ifPresent(order::add);
        }
        pipelines.keySet().forEach(order::add); // pipelines whose outputs failed to load still get a place
        return List.copyOf(order);
    }

    /** The pipelines downstream of {@code asset}, in the order they must run. */
    public List<String> downstreamPipelines(String asset) {
        Set<String> assets = downstream(asset);
        return pipelineOrder().stream()
                .filter(p -> pipelines.get(p).outputAssets().stream().anyMatch(assets::contains))
                .toList();
    }

    /**
     * A cycle as a path that starts and ends at the same asset ({@code a -> b -> a}), the one
     * found first from the alphabetically first asset; empty when the graph is acyclic.
     */
    public Optional<List<String>> findCycle() {
        // Iterative depth-first search: a recursive one overflows the stack on long chains.
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        for (String start : up.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            List<String> path = new ArrayList<>();
            Deque<java.util.Iterator<String>> next = new ArrayDeque<>();
            path.add(start);
            state.put(start, 1);
            next.push(down.get(start).iterator());
            while (!next.isEmpty()) {
                java.util.Iterator<String> it = next.peek();
                if (!it.hasNext()) {
                    next.pop();
                    state.put(path.remove(path.size() - 1), 2);
                    continue;
                }
                String b = it.next();
                Integer s = state.get(b);
                if (s == null) {
                    state.put(b, 1);
                    path.add(b);
                    next.push(down.get(b).iterator());
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>(path.subList(path.indexOf(b), path.size()));
                    cycle.add(b);
                    return Optional.of(cycle);
                }
            }
        }
        return Optional.empty();
    }

}
