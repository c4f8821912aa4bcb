/**
 * Freshet's state and the exactly-once run protocol.
 *
 * <p>This module owns the state store's aggregates, each behind a port: the {@link
 * io.freshet.state.EventLog event log} (asset events, their history, each partition's state),
 * {@link io.freshet.state.ConsumerStates consumer state} (pending sets, consumed markers),
 * {@link io.freshet.state.Runs runs} (attempts fenced by lease and attempt number, the commit point
 * that records a run's outputs), the {@link io.freshet.state.ScheduleState tick's schedule state}
 * (cron cursors, deployed code versions, partitions with new input, freshness violations) and
 * {@link io.freshet.state.Backfills backfills}, and the {@link io.freshet.state.ListingCursors listing cursors}
 * of observed S3 sources; {@link io.freshet.state.StateStore} gives access to
 * all of them. The ports speak in records ({@link io.freshet.core.events.AssetEvent},
 * {@link io.freshet.core.runs.Run}, {@link io.freshet.state.ConsumerView}, ...); no JSON crosses
 * them. {@code io.freshet.state.dynamo} is the DynamoDB adapter (one table, the layout
 * docs/architecture.md describes), {@code io.freshet.state.memory} an in-memory implementation with
 * the same semantics, and {@code io.freshet.state.protocol} the run protocol (run creation and
 * publication, exactly once), written against the ports only. The same contract tests run against
 * both implementations. {@code io.freshet.state.json} defines an asset event's JSON once: what an
 * event item keeps, and the bus's {@code Asset Updated} detail that {@code functions/aws} writes.
 *
 * <p>It may depend on {@code functions/core}, the DynamoDB SDK and Jackson (for that JSON only);
 * not on EventBridge, S3 or {@code functions/aws}: the protocol announces through its own small
 * port ({@link io.freshet.state.protocol.RunAnnouncer}), which {@code functions/aws} implements on
 * the bus.
 */
package io.freshet.state;
