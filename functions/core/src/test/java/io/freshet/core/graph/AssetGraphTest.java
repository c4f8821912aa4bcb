package io.freshet.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.model.OnCodeChange;
import io.freshet.core.model.Output;
import org.junit.jupiter.api.Test;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Input;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Retries;
import io.freshet.core.yaml.SourcePos;

class AssetGraphTest {

    private static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();

    @Test
    void theMetroGraphHasItsUpstreamAndDownstream() {
        AssetGraph g = METRO.graph();
        assertEquals(Set.of("core.trips", "landing.taps", "raw.stations", "raw.passengers", "metro.db", "core.network",
                "raw.routes", "raw.route_stations"), g.upstream("mart.daily_ridership"));
        assertEquals(Set.of("core.trips", "core.network", "mart.daily_ridership"), g.downstream("raw.stations"));
        assertEquals(Set.of(), g.downstream("mart.daily_ridership"));
        assertEquals(Optional.of("core_trips"), g.producer("core.trips"));
        assertEquals(Optional.empty(), g.producer("landing.taps"));
        assertEquals(Set.of("core_trips", "core_network"), g.consumers("raw.stations"));
        assertTrue(g.isSource("metro.db"));
    }

    @Test
    void topologicalOrderPutsEveryAssetAfterItsInputs() {
        AssetGraph g = METRO.graph();
        List<String> order = g.topologicalOrder();
        assertEquals(g.assets().size(), order.size());
        for (String a : order) {
            for (String up : g.directUpstream(a)) {
                assertTrue(order.indexOf(up) < order.indexOf(a), up + " before " + a);
            }
        }
        assertEquals(List.of("station_directory", "metro_snapshot", "core_network", "core_trips", "daily_ridership"), g.pipelineOrder());
        assertEquals(List.of("core_network", "core_trips", "daily_ridership"), g.downstreamPipelines("raw.stations"));
        assertEquals(List.of("core_trips", "daily_ridership"), g.downstreamPipelines("landing.taps"));
    }

    @Test
    void findsACycleAsAClosedPathAndRefusesToOrderIt() {
        AssetGraph g = AssetGraph.of(List.of(), List.of(
                pipeline("p1", List.of("x.a"), List.of("x.b")),
                pipeline("p2", List.of("x.b"), List.of("x.c")),
                pipeline("p3", List.of("x.c"), List.of("x.a")),
                pipeline("p4", List.of("x.c"), List.of("x.d"))));
        assertEquals(Optional.of(List.of("x.a", "x.b", "x.c", "x.a")), g.findCycle());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::topologicalOrder);
        assertEquals("the asset graph has a cycle: x.a -> x.b -> x.c -> x.a", e.getMessage());
        assertEquals(Optional.empty(), METRO.graph().findCycle());
    }

    @Test
    void scalesToThousandsOfAssetsInAChain() {
        List<Pipeline> chain = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            chain.add(pipeline("p" + i, List.of("x.a" + i), List.of("x.a" + (i + 1))));
        }
        AssetGraph g = AssetGraph.of(List.of(), chain);
        assertEquals(5001, g.topologicalOrder().size());
        assertEquals(5000, g.downstream("x.a0").size());
        assertEquals(Optional.empty(), g.findCycle());
    }

    private static Pipeline pipeline(String name, List<String> inputs, List<String> outputs) {
        SourcePos pos = new SourcePos(name + ".yaml", 1, 1);
        return new Pipeline(name, name + ".yaml", "", inputs.stream().map(i -> new Input(i, Optional.empty(), pos)).toList(),
                Partitioning.NONE,
                outputs.stream().map(o -> new Output(o, "",
                        LocationPattern.parse("s3://lake/" + o + "/"), pos, pos)).toList(),
                Optional.empty(), Optional.empty(), List.of(), List.of(), Retries.DEFAULT, Pipeline.DEFAULT_TIMEOUT,
                OnCodeChange.LATEST, pos);
    }
}
