package io.freshet.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.model.Input;
import io.freshet.core.model.OnCodeChange;
import io.freshet.core.model.Output;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Retries;
import io.freshet.core.yaml.SourcePos;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The graph keeps its edges through the pipelines instead of multiplying inputs by outputs; these
 * properties compare every answer with the plain edge-list graph it replaced, on random projects
 * (with pipelines reading their own outputs, repeated names and cycles), and check that a wide
 * pipeline no longer costs inputs times outputs.
 */
class AssetGraphReferenceTest {

    @Property(tries = 300)
    void answersAsTheEdgeListGraphDoes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int pipelineCount,
                                       @ForAll @IntRange(min = 2, max = 14) int assetCount) {
        Random r = new Random(seed);
        List<Pipeline> pipelines = new ArrayList<>();
        for (int i = 0; i < pipelineCount; i++) {
            List<String> ins = pick(r, assetCount, r.nextInt(4));
            List<String> outs = pick(r, assetCount, 1 + r.nextInt(3));
            pipelines.add(pipeline("p" + r.nextInt(pipelineCount + 2), ins, outs));
        }
        AssetGraph g = AssetGraph.of(List.of(), pipelines);
        Reference ref = new Reference(pipelines);
        assertEquals(ref.up.keySet(), g.assets());
        for (String a : ref.up.keySet()) {
            assertEquals(ref.up.get(a), g.directUpstream(a), "up of " + a);
            assertEquals(ref.down.get(a), g.directDownstream(a), "down of " + a);
            assertEquals(ref.reach(a, ref.up), g.upstream(a), "upstream of " + a);
            assertEquals(ref.reach(a, ref.down), g.downstream(a), "downstream of " + a);
        }
        Optional<List<String>> expectedOrder = ref.topologicalOrder();
        Optional<List<String>> cycle = g.findCycle();
        assertEquals(expectedOrder.isEmpty(), cycle.isPresent(), "a cycle is found exactly when there is one");
        if (expectedOrder.isPresent()) {
            assertEquals(expectedOrder.get(), g.topologicalOrder());
        } else {
            List<String> c = cycle.orElseThrow();
            assertEquals(c.get(0), c.get(c.size() - 1));
            for (int i = 0; i + 1 < c.size(); i++) {
                assertTrue(ref.down.get(c.get(i)).contains(c.get(i + 1)), "edge " + c.get(i) + " -> " + c.get(i + 1) + " in " + c);
            }
            assertThrows(IllegalStateException.class, g::topologicalOrder);
        }
    }

    @Test
    void aWidePipelineCostsItsInputsPlusItsOutputs() {
        List<String> ins = new ArrayList<>();
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ins.add("landing.t" + i);
            outs.add("core.o" + i);
        }
        long t0 = System.nanoTime();
        AssetGraph g = AssetGraph.of(List.of(), List.of(pipeline("wide", ins, outs)));
        assertEquals(40_000, g.topologicalOrder().size());
        assertEquals(Optional.empty(), g.findCycle());
        assertEquals(20_000, g.downstream("landing.t7").size());
        // 400 million edges multiplied out took minutes; through the pipeline it is well under a second.
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    private static List<String> pick(Random r, int assetCount, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("x.a" + r.nextInt(assetCount));
        }
        return names;
    }

    /** The graph as it was: every input-output edge of every pipeline, listed. */
    private static final class Reference {
        final Map<String, Set<String>> up = new TreeMap<>();
        final Map<String, Set<String>> down = new TreeMap<>();

        Reference(List<Pipeline> pipelines) {
            for (Pipeline p : pipelines) {
                for (String o : p.outputAssets()) node(o);
                for (String in : p.inputAssets()) {
                    node(in);
                    for (String o : p.outputAssets()) {
                        if (!in.equals(o)) {
                            down.get(in).add(o);
                            up.get(o).add(in);
                        }
                    }
                }
            }
        }

        private void node(String a) {
            up.computeIfAbsent(a, k -> new TreeSet<>());
            down.computeIfAbsent(a, k -> new TreeSet<>());
        }

        Set<String> reach(String start, Map<String, Set<String>> edges) {
            Set<String> seen = new TreeSet<>();
            Deque<String> todo = new ArrayDeque<>(edges.get(start));
            while (!todo.isEmpty()) {
                String a = todo.pop();
                if (seen.add(a)) todo.addAll(edges.get(a));
            }
            seen.remove(start);
            return seen;
        }

        Optional<List<String>> topologicalOrder() {
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
                    if (indegree.merge(b, -1, Integer::sum) == 0) ready.add(b);
                }
            }
            return order.size() == up.size() ? Optional.of(order) : Optional.empty();
        }
    }

    static Pipeline pipeline(String name, List<String> inputs, List<String> outputs) {
        SourcePos pos = new SourcePos(name + ".yaml", 1, 1);
        return new Pipeline(name, name + ".yaml", "", inputs.stream().map(i -> new Input(i, Optional.empty(), pos)).toList(),
                Partitioning.NONE,
                outputs.stream().map(o -> new Output(o, "", LocationPattern.parse("s3://lake/" + o + "/"), pos, pos)).toList(),
                Optional.empty(), Optional.empty(), List.of(), List.of(), Retries.DEFAULT, Pipeline.DEFAULT_TIMEOUT,
                OnCodeChange.LATEST, pos);
    }
}
