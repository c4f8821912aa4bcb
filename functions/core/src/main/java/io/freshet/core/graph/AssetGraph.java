package io.freshet.core.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;

/**
 * Assets and the pipelines between them: an edge runs from each input of a pipeline to each of
 * its outputs. Every answer is deterministic (sorted by name where the graph leaves a choice), so
 * plans, rules and diagrams do not change from one run to the next.
 *
 * <p>The edges are kept through the pipelines (asset -> reading pipelines -> their outputs), never
 * multiplied out: a pipeline with n inputs and m outputs costs n + m, not n * m, so that building
 * the graph, ordering it and searching it for cycles stay linear in the size of the project.
 */
public final class AssetGraph {

    private final Set<String> sources = new TreeSet<>();
    private final Set<String> assets = new TreeSet<>();
    private final Map<String, String> producer = new TreeMap<>();
    private final Map<String, Set<String>> consumers = new TreeMap<>();
    private final Map<String, Pipeline> pipelines = new TreeMap<>();
    /** Per pipeline, in the order given (names may repeat in a project that does not validate). */
    private final List<String> names = new ArrayList<>();
    private final List<Set<String>> ins = new ArrayList<>();
    private final List<Set<String>> outs = new ArrayList<>();
    /** The pipelines (by index, in name order) that read / write each asset. */
    private final Map<String, List<Integer>> readers = new HashMap<>();
    private final Map<String, List<Integer>> writers = new HashMap<>();

    private AssetGraph(List<Source> sourceList, List<Pipeline> pipelineList) {
        for (Source s : sourceList) {
            sources.add(s.name());
            node(s.name());
        }
        for (Pipeline p : pipelineList) {
            int index = names.size();
            names.add(p.name());
            pipelines.put(p.name(), p);
            Set<String> in = new TreeSet<>(p.inputAssets());
            Set<String> out = new TreeSet<>(p.outputAssets());
            ins.add(in);
            outs.add(out);
            for (String o : p.outputAssets()) {
                producer.putIfAbsent(o, p.name());
                node(o);
            }
            for (String o : out) {
                writers.get(o).add(index);
            }
            for (String i : in) {
                node(i);
                consumers.get(i).add(p.name());
                readers.get(i).add(index);
            }
        }
        Comparator<Integer> byName = Comparator.<Integer, String>comparing(names::get).thenComparing(Comparator.naturalOrder());
        readers.values().forEach(list -> list.sort(byName));
        writers.values().forEach(list -> list.sort(byName));
    }

    public static AssetGraph of(List<Source> sources, List<Pipeline> pipelines) {
        return new AssetGraph(sources, pipelines);
    }

    private void node(String asset) {
        if (assets.add(asset)) {
            consumers.put(asset, new TreeSet<>());
            readers.put(asset, new ArrayList<>());
            writers.put(asset, new ArrayList<>());
        }
    }

    public Set<String> assets() {
        return Collections.unmodifiableSet(assets);
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
        return across(asset, writers, ins);
    }

    public Set<String> directDownstream(String asset) {
        return across(asset, readers, outs);
    }

    /** The assets one edge away through the given pipelines; a pipeline reading its own output has no edge to itself. */
    private static Set<String> across(String asset, Map<String, List<Integer>> via, List<Set<String>> ends) {
        Set<String> result = new TreeSet<>();
        for (int i : via.getOrDefault(asset, List.of())) {
            result.addAll(ends.get(i));
        }
        result.remove(asset);
        return Collections.unmodifiableSet(result);
    }

    /** Every asset {@code asset} is built from, directly or not. */
    public Set<String> upstream(String asset) {
        return reach(asset, writers, ins);
    }

    /** Every asset built from {@code asset}, directly or not: what a backfill with --downstream rebuilds. */
    public Set<String> downstream(String asset) {
        return reach(asset, readers, outs);
    }

    /**
     * Each pipeline is crossed once: the assets it leads to are the same whichever of its assets
     * it was reached from (the edge a pipeline's own output would have to itself only concerns an
     * asset already reached).
     */
    private static Set<String> reach(String start, Map<String, List<Integer>> via, List<Set<String>> ends) {
        Set<String> seen = new TreeSet<>();
        Set<Integer> crossed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.push(start);
        boolean first = true;
        while (!todo.isEmpty()) {
            String a = todo.pop();
            if (!first && !seen.add(a)) {
                continue;
            }
            first = false;
            for (int i : via.getOrDefault(a, List.of())) {
                if (crossed.add(i)) {
                    todo.addAll(ends.get(i));
                }
            }
        }
        seen.remove(start);
        return seen;
    }

    /** Assets so that each comes after everything it is built from; ties broken by name. */
    public List<String> topologicalOrder() {
        // An asset is ready when every pipeline writing it has all its inputs emitted, except the
        // asset itself (a pipeline reading its own output has no edge from it to itself).
        int n = names.size();
        List<Set<String>> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pending.add(new HashSet<>(ins.get(i)));
        }
        Map<String, Integer> unsatisfiedWriters = new HashMap<>();
        Map<Integer, Set<String>> satisfied = new HashMap<>();
        PriorityQueue<String> ready = new PriorityQueue<>();
        for (String a : assets) {
            unsatisfiedWriters.put(a, writers.get(a).size());
        }
        BiConsumer<Integer, String> satisfy = (i, b) -> {
            if (satisfied.computeIfAbsent(i, k -> new HashSet<>()).add(b) && unsatisfiedWriters.merge(b, -1, Integer::sum) == 0) {
                ready.add(b);
            }
        };
        for (String a : assets) {
            if (unsatisfiedWriters.get(a) == 0) {
                ready.add(a);
            }
        }
        for (int i = 0; i < n; i++) {
            settle(i, pending.get(i), satisfy);
        }
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String a = ready.poll();
            order.add(a);
            for (int i : readers.get(a)) {
                pending.get(i).remove(a);
                settle(i, pending.get(i), satisfy);
            }
        }
        if (order.size() != assets.size()) {
            throw new IllegalStateException("the asset graph has a cycle: " + String.join(" -> ", findCycle().orElseThrow()));
        }
        return order;
    }

    /** Marks the outputs of pipeline {@code i} whose inputs other than themselves have all been emitted. */
    private void settle(int i, Set<String> pendingInputs, BiConsumer<Integer, String> satisfy) {
        if (pendingInputs.isEmpty()) {
            for (String b : outs.get(i)) {
                satisfy.accept(i, b);
            }
        } else if (pendingInputs.size() == 1) {
            String last = pendingInputs.iterator().next();
            if (outs.get(i).contains(last)) {
                satisfy.accept(i, last);
            }
        }
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
        // Iterative depth-first search (a recursive one overflows the stack on long chains) over
        // assets, stepping through the reading pipelines in name order and their outputs in name
        // order. A pipeline whose outputs have all been explored is not crossed again (in an acyclic
        // graph it is never entered while still in progress), unless it reads one of its own
        // outputs, whose missing self-edge makes what it leads to depend on where it was entered.
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        Set<Integer> crossed = new HashSet<>();
        for (String start : assets) {
            if (state.containsKey(start)) {
                continue;
            }
            List<String> path = new ArrayList<>();
            Deque<Iterator<String>> next = new ArrayDeque<>();
            path.add(start);
            state.put(start, 1);
            next.push(successors(start, crossed));
            while (!next.isEmpty()) {
                Iterator<String> it = next.peek();
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
                    next.push(successors(b, crossed));
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>(path.subList(path.indexOf(b), path.size()));
                    cycle.add(b);
                    return Optional.of(cycle);
                }
            }
        }
        return Optional.empty();
    }

    /** The outputs of the pipelines reading {@code a} not crossed before, lazily, without {@code a} itself. */
    private Iterator<String> successors(String a, Set<Integer> crossed) {
        List<Integer> via = readers.get(a);
        return new Iterator<>() {
            private int pipeline = 0;
            private Iterator<String> current = Collections.emptyIterator();
            private String upcoming;
            private int inProgress = -1;

            @Override
            public boolean hasNext() {
                while (upcoming == null) {
                    if (current.hasNext()) {
                        String b = current.next();
                        if (!b.equals(a)) {
                            upcoming = b;
                        }
                        continue;
                    }
                    if (inProgress >= 0) {
                        // Every output has been explored to the end (a cycle would have stopped
                        // the search), so entering this pipeline again can find nothing new.
                        if (Collections.disjoint(ins.get(inProgress), outs.get(inProgress))) {
                            crossed.add(inProgress);
                        }
                        inProgress = -1;
                    }
                    if (pipeline >= via.size()) {
                        return false;
                    }
                    int i = via.get(pipeline++);
                    if (!crossed.contains(i)) {
                        inProgress = i;
                        current = outs.get(i).iterator();
                    }
                }
                return true;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String b = upcoming;
                upcoming = null;
                return b;
            }
        };
    }
}
