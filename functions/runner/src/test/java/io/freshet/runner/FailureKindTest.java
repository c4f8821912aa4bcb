package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.freshet.aws.events.EventPublishException;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.model.Retries;
import io.freshet.engine.snapshot.SnapshotException;
import io.freshet.engine.sql.EngineException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** The one place an attempt's failure becomes a kind, and what each kind leads to. */
class FailureKindTest {

    static final Retries TWO = new Retries(2, Duration.ofSeconds(30), Duration.ofMinutes(10));
    static final Optional<String> IN_TIME = Optional.empty();

    @Test
    void aLostLeaseIsItsOwnKindWhateverTheDeadline() {
        LeaseLostException lost = new LeaseLostException("run r: attempt 1 no longer holds it");
        assertEquals(new FailureKind.LeaseLost("run r: attempt 1 no longer holds it"), FailureKind.of(lost, IN_TIME));
        assertInstanceOf(FailureKind.LeaseLost.class, FailureKind.of(lost, Optional.of("the attempt ran longer than the pipeline's timeout (5m)")));
    }

    @Test
    void pastTheDeadlineWhateverTheInterruptedWorkThrewIsATransientTimeout() {
        // DuckDB's interrupted statement throws an engine error, which alone would be permanent.
        EngineException interrupted = new EngineException("computing 'core.p': INTERRUPT Error", new SQLException("INTERRUPT Error"));
        assertInstanceOf(FailureKind.Permanent.class, FailureKind.of(interrupted, IN_TIME));
        FailureKind kind = FailureKind.of(interrupted, Optional.of("the attempt ran longer than the pipeline's timeout (2s)"));
        assertInstanceOf(FailureKind.Transient.class, kind);
        assertTrue(kind.reason().startsWith("Timeout: the attempt ran longer"), kind.reason());
    }

    @Test
    void eachExceptionTypeHasItsKind() {
        assertTransient(new IOException("connection reset"));
        assertTransient(new UncheckedIOException(new IOException("disk")));
        assertTransient(new SocketTimeoutException("read timed out"));
        assertTransient(new EventPublishException("bus", List.of(), 3, 1));
        assertTransient(AwsServiceException.builder().statusCode(503).message("slow down").build());
        assertPermanent(AwsServiceException.builder().statusCode(400).message("validation").build());
        assertTransient(new SnapshotException(null, "PostgreSQL", new SQLException("serialization", "40001")));
        assertPermanent(new SnapshotException("\"public\".\"x\"", "no such column"));
        assertPermanent(new MalformedEventException("a Run Requested detail needs 'runId'"));
        assertPermanent(new EngineException("computing 'core.p': Binder Error", new SQLException("Binder Error")));
        assertPermanent(new IllegalStateException("a bug"));
        // What the outer types do not decide, the cause does: PostgreSQL's connection failure is transient.
        assertTransient(new RuntimeException("wrapped", new SQLException("the connection attempt failed", "08001")));
    }

    @Test
    void aPermanentFailureFailsTheRunAtOnce() {
        assertEquals(new FailureKind.Next.Fail(), new FailureKind.Permanent("Binder Error").next(1, TWO, () -> false));
    }

    @Test
    void aTransientFailureIsRetriedWithBackoffWhileRetriesAreLeft() {
        FailureKind network = new FailureKind.Transient("SdkClient: connection reset");
        assertEquals(new FailureKind.Next.Retry(Duration.ofSeconds(30)), network.next(1, TWO, () -> false));
        assertEquals(new FailureKind.Next.Retry(Duration.ofSeconds(60)), network.next(2, TWO, () -> false));
        assertEquals(new FailureKind.Next.Fail(), network.next(3, TWO, () -> false), "two retries used");
    }

    @Test
    void onceItsOutputsAreStagedAnyFailureHandsTheRunToThePublisher() {
        FailureKind.Next handedOver = new FailureKind.Next.HandedOver();
        assertEquals(handedOver, new FailureKind.Permanent("a bug").next(1, TWO, () -> true));
        assertEquals(handedOver, new FailureKind.Transient("EventPublish: throttled").next(9, TWO, () -> true), "whatever the retries left");
    }

    @Test
    void aLostLeaseStopsWithoutAskingTheStore() {
        AtomicInteger asked = new AtomicInteger();
        assertEquals(new FailureKind.Next.Stop(), new FailureKind.LeaseLost("taken").next(1, TWO, () -> asked.incrementAndGet() > 0));
        assertEquals(0, asked.get(), "an attempt that lost the run reads nothing more of it");
    }

    @Test
    void kindsAreLabelledForTheLogs() {
        assertEquals(List.of("permanent", "transient", "lease lost"), List.of(new FailureKind.Permanent("x"), new FailureKind.Transient("x"),
                new FailureKind.LeaseLost("x")).stream().map(FailureKind::label).toList());
    }

    private static void assertTransient(Throwable t) {
        assertInstanceOf(FailureKind.Transient.class, FailureKind.of(t, IN_TIME), t.toString());
    }

    private static void assertPermanent(Throwable t) {
        assertInstanceOf(FailureKind.Permanent.class, FailureKind.of(t, IN_TIME), t.toString());
    }
}
