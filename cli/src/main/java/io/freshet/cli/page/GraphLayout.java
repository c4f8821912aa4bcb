package io.freshet.cli.page;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.freshet.core.graph.AssetGraph;

/**
 * The asset graph laid out left to right, as a layered drawing: each asset's layer is the length
 * of the longest path to it from an asset with no inputs (so every edge goes to a later layer),
 * an edge that spans several layers passes through a placeholder in each layer it crosses, and
 * the order within each layer comes from barycenter sweeps (each node moved to the mean position
 * of its neighbours in the layer before, then after), keeping the order with the fewest crossings.
 * Pure and deterministic: the same graph always gives the same drawing.
 */
public final class GraphLayout {

    public static final double NODE_WIDTH = 200;
    public static final double NODE_HEIGHT = 46;
    static final double GAP_X = 84;
    static final double GAP_Y = 22;
    /** The vertical room a long edge takes where it passes a layer. */
    static final double LANE = 16;
    static final double PAD = 24;
    static final int SWEEPS = 8;

    /** An asset's box: its top-left corner. */
    public record NodeBox(String asset, int layer, int order, double x, double y, double width, double height) {
    }

    public record Point(double x, double y) {
    }

    /** One edge of the graph, from an input to an output of a pipeline, as the points it passes and an SVG path. */
    public record EdgePath(String from, String to, List<Point> points, String svgPath) {
    }

    /** The drawing: boxes in layer order, edges, and the size of the whole. */
    public record Layout(List<NodeBox> nodes, List<EdgePath> edges, double width, double height, int crossings) {

        public NodeBox node(String asset) {
            return nodes.stream().filter(n -> n.asset().equals(asset)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no asset " + asset));
        }

        /** The assets of each layer, top to bottom. */
        public List<List<String>> layers() {
            List<List<String>> out = new ArrayList<>();
            for (NodeBox n : nodes) {
                while (out.size() <= n.layer()) {
                    out.add(new ArrayList<>());
                }
                out.get(n.layer()).add(n.asset());
            }
            return out;
        }
    }

    /** A node of the layered graph: an asset, or a placeholder where a long edge crosses a layer. */
    private static final class Vertex {
        final String asset; // null for a placeholder
        final int layer;
        final List<Vertex> ups = new ArrayList<>();
        final List<Vertex> downs = new ArrayList<>();
        int pos;
        double y;

        Vertex(String asset, int layer) {
            this.asset = asset;
            this.layer = layer;
        }

        double height() {
            return asset == null ? LANE : NODE_HEIGHT;
        }
    }

    private GraphLayout() {
    }

    public static Layout of(AssetGraph graph) {
        List<String> topo = graph.topologicalOrder();
        Map<String, Integer> layerOf = layers(graph, topo);
        int layerCount = topo.stream().mapToInt(layerOf::get).max().orElse(-1) + 1;
        List<List<Vertex>> layers = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            layers.add(new ArrayList<>());
        }
        Map<String, Vertex> vertices = new LinkedHashMap<>();
        for (String a : topo) {
            Vertex v = new Vertex(a, layerOf.get(a));
            vertices.put(a, v);
            layers.get(v.layer).add(v);
        }
        for (List<Vertex> layer : layers) {
            layer.sort(Comparator.comparing(v -> v.asset)); // the sweeps start from name order
        }
        // Each edge as its chain of vertices; placeholders where it crosses a layer.
        Map<String, List<Vertex>> chains = new LinkedHashMap<>();
        for (String a : topo) {
            for (String b : graph.directDownstream(a)) {
                List<Vertex> chain = new ArrayList<>();
                Vertex prev = vertices.get(a);
                chain.add(prev);
                for (int l = prev.layer + 1; l < layerOf.get(b); l++) {
                    Vertex dummy = new Vertex(null, l);
                    layers.get(l).add(dummy);
                    link(prev, dummy);
                    chain.add(dummy);
                    prev = dummy;
                }
                link(prev, vertices.get(b));
                chain.add(vertices.get(b));
                chains.put(a + "\u0000" + b, chain);
            }
        }
        order(layers);
        int crossings = crossings(layers);
        double height = place(layers);
        List<NodeBox> nodes = new ArrayList<>();
        for (List<Vertex> layer : layers) {
            for (Vertex v : layer) {
                if (v.asset != null) {
                    nodes.add(new NodeBox(v.asset, v.layer, v.pos, x(v.layer), v.y, NODE_WIDTH, NODE_HEIGHT));
                }
            }
        }
        List<EdgePath> edges = new ArrayList<>();
        chains.forEach((key, chain) -> {
            List<Point> points = points(chain);
            edges.add(new EdgePath(chain.getFirst().asset, chain.getLast().asset, points, svgPath(points)));
        });
        double width = layerCount == 0 ? 2 * PAD : x(layerCount - 1) + NODE_WIDTH + PAD;
        return new Layout(List.copyOf(nodes), List.copyOf(edges), width, height, crossings);
    }

    /** Each asset's layer: one past the deepest of its direct upstream assets (sources at 0). */
    private static Map<String, Integer> layers(AssetGraph graph, List<String> topo) {
        Map<String, Integer> layerOf = new HashMap<>();
        for (String a : topo) {
            int l = 0;
            for (String u : graph.directUpstream(a)) {
                l = Math.max(l, layerOf.get(u) + 1);
            }
            layerOf.put(a, l);
        }
        return layerOf;
    }

    private static void link(Vertex a, Vertex b) {
        a.downs.add(b);
        b.ups.add(a);
    }

    static double x(int layer) {
        return PAD + layer * (NODE_WIDTH + GAP_X);
    }

    /** Barycenter sweeps, down then up, keeping the order with the fewest crossings seen. */
    private static void order(List<List<Vertex>> layers) {
        renumber(layers);
        List<List<Vertex>> best = snapshot(layers);
        int bestCrossings = crossings(layers);
        for (int sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
            boolean down = sweep % 2 == 0;
            if (down) {
                for (int l = 1; l < layers.size(); l++) {
                    sortByBarycenter(layers.get(l), true);
                }
            } else {
                for (int l = layers.size() - 2; l >= 0; l--) {
                    sortByBarycenter(layers.get(l), false);
                }
            }
            int c = crossings(layers);
            if (c < bestCrossings) {
                bestCrossings = c;
                best = snapshot(layers);
            }
        }
        for (int l = 0; l < layers.size(); l++) {
            layers.get(l).clear();
            layers.get(l).addAll(best.get(l));
        }
        renumber(layers);
    }

    private static void sortByBarycenter(List<Vertex> layer, boolean fromUps) {
        Map<Vertex, Double> center = new HashMap<>();
        for (Vertex v : layer) {
            List<Vertex> ns = fromUps ? v.ups : v.downs;
            // A vertex with no neighbours on that side keeps its place.
            center.put(v, ns.isEmpty() ? v.pos : ns.stream().mapToInt(n -> n.pos).average().orElse(v.pos));
        }
        layer.sort(Comparator.comparingDouble(center::get)); // stable: ties keep their order
        for (int i = 0; i < layer.size(); i++) {
            layer.get(i).pos = i;
        }
    }

    private static void renumber(List<List<Vertex>> layers) {
        for (List<Vertex> layer : layers) {
            for (int i = 0; i < layer.size(); i++) {
                layer.get(i).pos = i;
            }
        }
    }

    private static List<List<Vertex>> snapshot(List<List<Vertex>> layers) {
        return layers.stream().map(l -> (List<Vertex>) new ArrayList<>(l)).toList();
    }

    /** Pairs of edges between adjacent layers that cross. */
    static int crossings(List<List<Vertex>> layers) {
        int total = 0;
        for (int l = 0; l + 1 < layers.size(); l++) {
            List<int[]> edges = new ArrayList<>();
            for (Vertex v : layers.get(l)) {
                for (Vertex w : v.downs) {
                    edges.add(new int[] {v.pos, w.pos});
                }
            }
            for (int i = 0; i < edges.size(); i++) {
                for (int j = i + 1; j < edges.size(); j++) {
                    int[] e = edges.get(i);
                    int[] f = edges.get(j);
                    if ((e[0] < f[0] && e[1] > f[1]) || (e[0] > f[0] && e[1] < f[1])) {
                        total++;
                    }
                }
            }
        }
        return total;
    }

    /** Stacks each layer top to bottom and centres it on the tallest; returns the drawing's height. */
    private static double place(List<List<Vertex>> layers) {
        double tallest = 0;
        for (List<Vertex> layer : layers) {
            tallest = Math.max(tallest, stackHeight(layer));
        }
        for (List<Vertex> layer : layers) {
            double y = PAD + (tallest - stackHeight(layer)) / 2;
            for (Vertex v : layer) {
                v.y = y;
                y += v.height() + GAP_Y;
            }
        }
        return tallest + 2 * PAD;
    }

    private static double stackHeight(List<Vertex> layer) {
        double h = 0;
        for (Vertex v : layer) {
            h += v.height();
        }
        return h + Math.max(0, layer.size() - 1) * GAP_Y;
    }

    /** From the right side of the input's box, straight through each layer it crosses, to the left side of the output's box. */
    private static List<Point> points(List<Vertex> chain) {
        List<Point> points = new ArrayList<>();
        Vertex first = chain.getFirst();
        points.add(new Point(x(first.layer) + NODE_WIDTH, first.y + NODE_HEIGHT / 2));
        for (Vertex v : chain.subList(1, chain.size() - 1)) {
            double mid = v.y + LANE / 2;
            points.add(new Point(x(v.layer), mid));
            points.add(new Point(x(v.layer) + NODE_WIDTH, mid));
        }
        Vertex last = chain.getLast();
        points.add(new Point(x(last.layer), last.y + NODE_HEIGHT / 2));
        return List.copyOf(points);
    }

    /** Curves between layers (horizontal at both ends), straight lines through a crossed layer. */
    static String svgPath(List<Point> points) {
        StringBuilder d = new StringBuilder("M ").append(n(points.getFirst().x())).append(' ').append(n(points.getFirst().y()));
        for (int i = 1; i < points.size(); i++) {
            Point a = points.get(i - 1);
            Point b = points.get(i);
            boolean through = i % 2 == 0; // points come in pairs inside each crossed layer
            if (through) {
                d.append(" L ").append(n(b.x())).append(' ').append(n(b.y()));
            } else {
                double mx = (a.x() + b.x()) / 2;
                d.append(" C ").append(n(mx)).append(' ').append(n(a.y())).append(", ")
                        .append(n(mx)).append(' ').append(n(b.y())).append(", ")
                        .append(n(b.x())).append(' ').append(n(b.y()));
            }
        }
        return d.toString();
    }

    private static String n(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
