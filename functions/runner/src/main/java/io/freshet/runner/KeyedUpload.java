package io.freshet.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.model.DynamicKey;
import io.freshet.core.model.Output;
import io.freshet.core.model.TableLayout;
import io.freshet.core.runs.Run;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.DynamicKeyException;
import io.freshet.engine.sql.KeyedParquet;
import io.freshet.state.protocol.FaultPoints;

/**
 * The upload of an output with a dynamic key ({@code partition_by}; docs/architecture.md, "Dynamic
 * keys"): one Parquet file per key value the run wrote, under the partition's folder and a folder
 * of its key ({@code core/line_trips/date=2026-11-20/line=A/<runId>-<attempt>.parquet}), and one
 * staged event per key naming exactly that file, with the key in its metadata and its own rows.
 * The publisher commits all of an output's keys in one commit that replaces its time partition.
 */
final class KeyedUpload {

    /**
     * A run records its events in one DynamoDB transaction (100 items: two per event and the run),
     * so a run publishes at most 49 events, keys included.
     */
    static final int MAX_EVENTS = 49;

    private final ObjectStore objects;
    private final String lakeBucket;
    private final StackParameters stack;
    private final Clock clock;
    private final FaultPoints faults;

    KeyedUpload(RunnerParts parts) {
        this.objects = parts.objects();
        this.lakeBucket = parts.lakeBucket();
        this.stack = parts.parameters();
        this.clock = parts.clock();
        this.faults = parts.faults();
    }

    List<AssetEvent> upload(Attempt a, DuckSession duck, Path work, AttemptDeadline deadline, PublicationPhase.Made made,
                            Output out, DynamicKey key) throws IOException {
        Run run = a.run();
        TableLayout layout = PublicationPhase.layout(out, stack);
        Path dir = Files.createDirectories(work.resolve("keyed"));
        Optional<TableLayout.PartitionColumn> time = layout.partitionColumn();
        List<KeyedParquet.Part> parts = KeyedParquet.write(duck, out.asset(), key.column(), dir,
                time.map(TableLayout.PartitionColumn::name), time.map(c -> c.sqlLiteral(run.partition())).orElse("NULL"));
        List<AssetEvent> events = new ArrayList<>();
        for (KeyedParquet.Part part : parts) {
            String objectKey = layout.location().keyPrefixFor(run.partition()) + part.folder() + "/" + run.runId() + "-" + a.number() + ".parquet";
            deadline.check();
            objects.put(lakeBucket, objectKey, part.file());
            faults.reached("after-upload");
            TableFacts facts = TableFacts.rows(out.asset(), part.rows());
            Map<String, String> metadata = PublicationPhase.metadata(facts, Files.size(part.file()), made.checks().results(), out.asset());
            metadata.putAll(EventKeys.metadata(key.column(), part.value()));
            events.add(new AssetEvent(Ids.runOutputKey(run.runId(), out.asset(), key.column(), part.value()), out.asset(), run.partition(),
                    clock.instant(), new Producer(Producer.Kind.RUN, run.runId()), PublicationPhase.sha256(part.file()),
                    Optional.of(made.codeVersion()), List.of("s3://" + lakeBucket + "/" + objectKey), metadata));
        }
        return events;
    }

    /** Refuses, before anything is staged, a run whose keys would make more events than one run can record. */
    static void requireRecordable(Run run, List<AssetEvent> events) {
        if (events.size() > MAX_EVENTS) {
            throw new DynamicKeyException("run " + run.runId() + " wrote " + events.size() + " asset events (one per key of a"
                    + " partition_by output); a run records at most " + MAX_EVENTS + " in its one transaction");
        }
    }
}
