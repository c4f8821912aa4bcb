package io.freshet.cli.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.graph.AssetGraph;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;

/** The lineage page's layout: layers by longest path, edges left to right, few crossings, deterministic. */
class GraphLayoutTest {

    static final Project METRO = ProjectLoader.load(Path.of("../pipelines")).orThrow();

    @TempDir
    Path tmp;

    @Test
    void theMetroExampleIsLaidOutInLayersByLongestPathFromItsSources() {
        GraphLayout.Layout layout = GraphLayout.of(METRO.graph());
        List<Set<String>> layers = layout.layers().stream().map(l -> (Set<String>) new HashSet<>(l)).toList();
        assertEquals(List.of(
                Set.of("landing.taps", "metro.db", "metro.stations"),
                Set.of("raw.stations", "raw.routes", "raw.route_stations", "raw.passengers", "raw.taps", "core.station_directory"),
                Set.of("core.network", "core.trips"),
                Set.of("mart.daily_ridership")), layers, layout.layers().toString());
        // core.trips reads landing.taps (layer 0) and raw.* (layer 1): the longest path wins.
        assertEquals(2, layout.node("core.trips").layer());
        assertEquals(12, layout.nodes().size());
        for (GraphLayout.NodeBox n : layout.nodes()) {
            assertEquals(GraphLayout.x(n.layer()), n.x(), n.asset());
        }
        // No two boxes of a layer overlap.
        for (GraphLayout.NodeBox a : layout.nodes()) {
            for (GraphLayout.NodeBox b : layout.nodes()) {
                if (a != b && a.layer() == b.layer()) {
                    assertTrue(a.y() + a.height() <= b.y() || b.y() + b.height() <= a.y(), a + " overlaps " + b);
                }
            }
        }
        assertTrue(layout.nodes().stream().allMatch(n -> n.y() >= 0 && n.y() + n.height() <= layout.height()), "inside the drawing");
    }

    @Test
    void everyEdgeOfTheGraphIsDrawnOnceAndGoesLeftToRight() {
        assertLeftToRight(METRO.graph(), GraphLayout.of(METRO.graph()));
    }

    @Test
    void theMetroExampleHasNoCrossings() {
        assertEquals(0, GraphLayout.of(METRO.graph()).crossings());
    }

    @Test
    void barycenterSweepsUndoCrossingsThatNameOrderWouldMake() throws IOException {
        // By name, layer 0 is a, b, c and layer 1 is x, y, z; but a feeds z and c feeds x.
        Project p = project("""
                sources:
                  s.a: { s3: "s3://${LakeBucket}/a/{date}/*.csv", format: csv }
                  s.b: { s3: "s3://${LakeBucket}/b/{date}/*.csv", format: csv }
                  s.c: { s3: "s3://${LakeBucket}/c/{date}/*.csv", format: csv }
                """, pipeline("px", "s.c", "d.x"), pipeline("py", "s.b", "d.y"), pipeline("pz", "s.a", "d.z"));
        GraphLayout.Layout layout = GraphLayout.of(p.graph());
        assertEquals(0, layout.crossings(), layout.layers().toString());
        assertLeftToRight(p.graph(), layout);
        for (String[] e : new String[][] {{"s.a", "d.z"}, {"s.b", "d.y"}, {"s.c", "d.x"}}) {
            assertEquals(layout.node(e[0]).order(), layout.node(e[1]).order(), layout.layers().toString());
        }
        assertEquals(layout, GraphLayout.of(p.graph()), "the same graph, the same drawing");
    }

    @Test
    void aLongEdgePassesEveryLayerItCrossesWithoutGoingBack() throws IOException {
        // s.a -> d.m -> d.n -> d.o, and s.a -> d.o directly: that edge crosses two layers.
        Project p = project("""
                sources:
                  s.a: { s3: "s3://${LakeBucket}/a/{date}/*.csv", format: csv }
                """, pipeline("pm", "s.a", "d.m"), pipeline("pn", "d.m", "d.n"), pipeline("po", List.of("d.n", "s.a"), "d.o"));
        GraphLayout.Layout layout = GraphLayout.of(p.graph());
        assertEquals(3, layout.node("d.o").layer());
        GraphLayout.EdgePath longEdge = layout.edges().stream().filter(e -> e.from().equals("s.a") && e.to().equals("d.o")).findFirst().orElseThrow();
        assertEquals(6, longEdge.points().size(), "in, two points per crossed layer, out: " + longEdge.points());
        assertLeftToRight(p.graph(), layout);
    }

    static void assertLeftToRight(AssetGraph graph, GraphLayout.Layout layout) {
        Set<String> expected = new HashSet<>();
        for (String a : graph.assets()) {
            graph.directDownstream(a).forEach(b -> expected.add(a + " -> " + b));
        }
        List<String> drawn = layout.edges().stream().map(e -> e.from() + " -> " + e.to()).toList();
        assertEquals(expected, new HashSet<>(drawn));
        assertEquals(expected.size(), drawn.size(), "each edge once");
        for (GraphLayout.EdgePath e : layout.edges()) {
            GraphLayout.NodeBox from = layout.node(e.from());
            GraphLayout.NodeBox to = layout.node(e.to());
            assertTrue(from.layer() < to.layer(), e.from() + " -> " + e.to());
            GraphLayout.Point first = e.points().getFirst();
            GraphLayout.Point last = e.points().getLast();
            assertEquals(from.x() + from.width(), first.x(), "leaves the right side of " + e.from());
            assertEquals(from.y() + from.height() / 2, first.y());
            assertEquals(to.x(), last.x(), "enters the left side of " + e.to());
            assertEquals(to.y() + to.height() / 2, last.y());
            for (int i = 1; i < e.points().size(); i++) {
                assertTrue(e.points().get(i).x() > e.points().get(i - 1).x(), "left to right: " + e.points());
            }
            // The SVG path's x coordinates never go back either (control points included).
            List<Double> xs = new ArrayList<>();
            Matcher m = Pattern.compile("(-?[0-9.]+) (-?[0-9.]+)").matcher(e.svgPath());
            while (m.find()) {
                xs.add(Double.parseDouble(m.group(1)));
            }
            for (int i = 1; i < xs.size(); i++) {
                assertTrue(xs.get(i) >= xs.get(i - 1), "path goes left to right: " + e.svgPath());
            }
            assertTrue(e.svgPath().startsWith("M " + (long) first.x() + " "), e.svgPath());
        }
    }

    Project project(String sources, String... pipelines) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("p" + System.nanoTime()));
        Files.writeString(dir.resolve("sources.yaml"), sources);
        for (String p : pipelines) {
            Files.writeString(dir.resolve(p.lines().findFirst().orElseThrow().substring("pipeline: ".length()) + ".yaml"), p);
        }
        return ProjectLoader.load(dir).orThrow();
    }

    static String pipeline(String name, String input, String output) {
        return pipeline(name, List.of(input), output);
    }

    static String pipeline(String name, List<String> inputs, String output) {
        return "pipeline: " + name + "\ninputs: [" + String.join(", ", inputs) + "]\npartitions: daily\n"
                + "outputs:\n  " + output + ": s3://lake/" + output.replace('.', '/') + "/date={date}/\n"
                + "trigger:\n  condition: " + String.join(" & ", inputs) + "\n"
                + "steps:\n  - sql:\n      output: " + output + "\n      query: SELECT * FROM " + inputs.getFirst() + "\n";
    }
}
