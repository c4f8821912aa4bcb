package io.freshet.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.runs.RunState;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.DuckSettings;
import io.freshet.state.protocol.FaultPoints;

/**
 * One attempt at a run, phase by phase: inputs ({@link RunInputs}), the skip decision
 * ({@link SkipDecision}), the snapshot plan ({@link SnapshotPlanner}), the inputs as DuckDB views
 * ({@link InputViews}, {@link DatabaseInputs}), the steps (one {@link StepExecutor} per kind, {@link StepsPhase}), the
 * checks ({@link ChecksPhase}) and the publication ({@link PublicationPhase}). A phase that
 * decides the run ends it through {@link AttemptEnding}; anything a phase throws becomes a
 * {@link FailureKind} in one place, here, and the kind decides what follows.
 */
final class RunAttempt {

    private final RunnerParts parts;
    private final RunInputs inputs;
    private final SkipDecision skip;
    private final InputViews views;
    private final DatabaseInputs databaseInputs;
    private final StepsPhase steps;
    private final ChecksPhase checks;
    private final PublicationPhase publication;
    private final AttemptEnding ending;

    RunAttempt(RunnerParts parts, AttemptEnding ending) {
        this.parts = parts;
        this.inputs = new RunInputs(parts);
        this.skip = new SkipDecision(parts);
        this.views = new InputViews(parts);
        this.databaseInputs = new DatabaseInputs(parts.snapshotter());
        this.steps = new StepsPhase(parts);
        this.checks = new ChecksPhase(parts);
        this.publication = new PublicationPhase(parts, checks);
        this.ending = ending;
    }

    /** Runs the attempt in its own scratch directory; empty when it lost the run on the way. */
    Optional<RunState> run(Attempt a) {
        Path work = parts.scratch().resolve(a.runId()).resolve("attempt-" + a.number());
        parts.lineage().start(a.run(), a.number(), a.pipeline(), parts.clock().instant());
        AttemptDeadline deadline = AttemptDeadline.start(a.pipeline().timeout());
        try {
            Files.createDirectories(work);
            return Optional.of(phases(a, work, deadline));
        } catch (FaultPoints.Killed e) {
            throw e; // a simulated kill: the process is gone, nothing more happens
        } catch (RuntimeException | IOException e) {
            // Not all alike: the one place a failure becomes a kind (lease lost, timeout, else by its type).
            return ending.failed(a, FailureKind.of(e, deadline.expired() ? Optional.of(deadline.reason()) : Optional.empty()));
        } finally {
            deadline.close();
            deleteQuietly(work);
        }
    }

    private RunState phases(Attempt a, Path work, AttemptDeadline deadline) throws IOException {
        RunInputs.Resolved.Ready ready;
        switch (inputs.resolve(a.pipeline(), a.run())) {
            case RunInputs.Resolved.Missing missing -> {
                // Nothing to compute yet (core_trips woken by a new stations snapshot on a day with no taps yet):
                // not a failure, and retrying would not help. The input's own event will start the next run.
                return ending.skipped(a, missing.reason(), "run skipped: an input has no data yet",
                        Map.of("state", "SKIPPED", "reason", missing.reason()));
            }
            case RunInputs.Resolved.Ready r -> ready = r;
        }
        a.read().addAll(RunInputs.lineage(a.pipeline(), ready));
        Map<String, String> versions = ready.versions(a.runId());
        String codeVersion = parts.project().codeVersion(a.pipeline().name());
        Optional<String> unchanged = skip.skip(a.pipeline(), a.run(), versions, codeVersion);
        if (unchanged.isPresent()) {
            return ending.skipped(a, unchanged.get(), "run skipped: nothing changed", Map.of("state", "SKIPPED"));
        }
        SnapshotPlanner.Planned snapshotPlan = new SnapshotPlanner(parts.store(), parts.clock()).plan(a.pipeline(), a.run());
        if (!snapshotPlan.refusals().isEmpty()) {
            // What the partition would hold cannot be produced now; trying again would be refused again.
            return ending.refused(a, "snapshot refused: " + String.join("; ", snapshotPlan.refusals()));
        }
        try (DuckSession duck = DuckSession.open(DuckSettings.defaults(work.resolve("duckdb")))) {
            deadline.onExpiry(duck::interrupt);
            Map<String, InputViews.InputFiles> read = views.create(duck, a.pipeline(), ready, work, deadline);
            databaseInputs.create(duck, a, ready.databases(), work, deadline);
            Map<String, TableFacts> facts = steps.run(new StepExecutor.StepRun(a, duck, work, deadline, snapshotPlan.reads(), read));
            ChecksPhase.Outcome outcome = checks.run(a, duck, deadline);
            Optional<String> blocked = outcome.blockedBecause();
            if (blocked.isPresent()) {
                // Permanent: the same data fails the same way. Not a retry, and nothing recorded.
                return checks.fail(a, outcome, blocked.get());
            }
            return publication.publish(a, duck, work, deadline, new PublicationPhase.Made(facts, outcome, versions, codeVersion));
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // scratch space: /tmp of a Lambda is wiped with the sandbox anyway
        }
    }
}
