package io.freshet.rulessync;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.JsonLog;
import io.freshet.aws.events.EventBridgeClients;
import io.freshet.core.location.StackParameters;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/**
 * The CloudFormation custom resource that keeps the consumer rules in step with the pipelines
 * packaged with the function. Properties: {@code BusName}, {@code RulePrefix},
 * {@code TriggerFunctionArn}, {@code DeadLetterQueueArn} (the SQS queue each rule's target sends
 * the deliveries EventBridge gives up on; required to create or update rules, so that none can
 * vanish without a trace).
 *
 * <ul>
 *   <li>Create and Update load the pipelines and reconcile the rules; an Update that moves to
 *       another bus or prefix also deletes the old prefix's rules.</li>
 *   <li>Delete deletes every rule of the prefix.</li>
 * </ul>
 *
 * <p>It always answers the response URL, whatever fails: without an answer CloudFormation waits an
 * hour before giving up. For the same reason the work runs against a deadline a little shorter
 * than the function's remaining time, and nothing happens in the constructor that could fail.
 */
public final class RulesSyncHandler implements RequestHandler<Map<String, Object>, Void> {

    /** Time kept back from the Lambda timeout to send the answer after the work is cut short. */
    private static final long RESERVE_MILLIS = 15_000;
    /** A failed Create's physical id; its Delete (the rollback) must answer SUCCESS whatever happens. */
    static final String CREATE_FAILED_ID_PREFIX = "freshet-rules-create-failed-";

    private final Supplier<EventBridgeClient> client;
    private final Path pipelinesDir;
    private final StackParameters parameters;
    private final ResponseSender sender;
    private final JsonLog log;

    /** For Lambda: configured from the environment. */
    public RulesSyncHandler() {
        this(CommonSettings.processEnvironment());
    }

    private RulesSyncHandler(Map<String, String> env) {
        this(memoize(() -> EventBridgeClients.create(CommonSettings.EVENTBRIDGE_ENDPOINT.find(env), env)),
                pipelinesDir(env), CommonSettings.stackParameters(env), HttpResponseSender.create(), JsonLog.stdout("rules-sync"));
    }

    public RulesSyncHandler(EventBridgeClient client, Path pipelinesDir, ResponseSender sender) {
        this(() -> client, pipelinesDir, StackParameters.of(Map.of()), sender, JsonLog.stdout("rules-sync"));
    }

    public RulesSyncHandler(EventBridgeClient client, Path pipelinesDir, ResponseSender sender, JsonLog log) {
        this(() -> client, pipelinesDir, StackParameters.of(Map.of()), sender, log);
    }

    private RulesSyncHandler(Supplier<EventBridgeClient> client, Path pipelinesDir, StackParameters parameters, ResponseSender sender,
                             JsonLog log) {
        this.client = Objects.requireNonNull(client);
        this.pipelinesDir = Objects.requireNonNull(pipelinesDir);
        this.parameters = Objects.requireNonNull(parameters);
        this.sender = Objects.requireNonNull(sender);
        this.log = Objects.requireNonNull(log);
    }

    static Path pipelinesDir(Map<String, String> env) {
        return CommonSettings.PIPELINES_DIR.read(env);
    }

    // ---- the request ----

    /** The properties the resource is declared with. */
    record Properties(String bus, String prefix, String triggerArn, Optional<String> deadLetterArn) {

        static final String DEAD_LETTER_QUEUE_ARN = "DeadLetterQueueArn";

        static Properties of(Object raw) {
            if (!(raw instanceof Map<?, ?> map)) {
                throw new InvalidRequestException("ResourceProperties are missing");
            }
            String bus = required(map, "BusName");
            String prefix = RuleNames.prefix(required(map, "RulePrefix"));
            Optional<String> deadLetters = Optional.ofNullable(map.get(DEAD_LETTER_QUEUE_ARN)).map(Object::toString).filter(v -> !v.isBlank());
            return new Properties(bus, prefix, required(map, "TriggerFunctionArn"), deadLetters);
        }

        /**
         * How the rules deliver: a Delete (or the old properties of an Update) only needs the
         * names, but rules are only written with a dead-letter queue.
         */
        DesiredRule.Delivery delivery() {
            String arn = deadLetterArn.orElseThrow(() -> new InvalidRequestException("the resource property " + DEAD_LETTER_QUEUE_ARN
                    + " is required: the SQS queue where the consumer rules send what EventBridge cannot deliver to the trigger"));
            try {
                return DesiredRule.Delivery.withDeadLetters(arn);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("the resource property " + DEAD_LETTER_QUEUE_ARN + ": " + e.getMessage(), e);
            }
        }

        static Optional<Properties> tryOf(Object raw) {
            try {
                return Optional.of(of(raw));
            } catch (InvalidRequestException | IllegalArgumentException e) { // the latter: a prefix RuleNames refuses
                return Optional.empty();
            }
        }

        private static String required(Map<?, ?> map, String key) {
            Object v = map.get(key);
            if (v == null || v.toString().isBlank()) {
                throw new InvalidRequestException("the resource property " + key + " is required");
            }
            return v.toString();
        }

        String physicalId() {
            return "freshet-rules-" + bus + "-" + prefix;
        }

        /** Whether both name the same set of rules (the trigger ARN only changes their targets). */
        boolean sameRules(Properties other) {
            return bus.equals(other.bus) && prefix.equals(other.prefix);
        }
    }

    private record Request(String type, String responseUrl, String stackId, String requestId, String logicalResourceId,
                           String physicalResourceId, Object properties, Object oldProperties) {

        static Request of(Map<String, Object> event) {
            return new Request(text(event, "RequestType"), text(event, "ResponseURL"), text(event, "StackId"),
                    text(event, "RequestId"), text(event, "LogicalResourceId"), text(event, "PhysicalResourceId"),
                    event.get("ResourceProperties"), event.get("OldResourceProperties"));
        }

        private static String text(Map<String, Object> event, String key) {
            Object v = event.get(key);
            return v == null ? null : v.toString();
        }

        /** The physical id to answer with when the request fails. */
        String physicalIdOnFailure() {
            if ("Create".equals(type) || physicalResourceId == null) {
                return CREATE_FAILED_ID_PREFIX + requestId;
            }
            return physicalResourceId; // an Update or Delete keeps the resource it was given
        }
    }

    private record Outcome(String status, String reason, String physicalId, ReconcileReport report) {
    }

    private static final ReconcileReport NOTHING = new ReconcileReport(List.of(), List.of(), List.of(), List.of());

    // ---- handling ----

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        Request request = Request.of(event == null ? Map.of() : event);
        log.info("request", fields("requestType", request.type(), "stackId", request.stackId(),
                "requestId", request.requestId(), "logicalResourceId", request.logicalResourceId(),
                "physicalResourceId", request.physicalResourceId()));
        Outcome outcome;
        try {
            outcome = withDeadline(context, () -> handle(request));
        } catch (Throwable e) { // whatever it is, CloudFormation must hear of it
            String reason = reason(e);
            log.error("rules sync failed", fields("requestType", request.type(), "error", reason));
            outcome = new Outcome(CustomResourceResponse.FAILED, reason, request.physicalIdOnFailure(), NOTHING);
        }
        respond(request, outcome);
        return null;
    }

    private Outcome handle(Request request) {
        String type = request.type() == null ? "" : request.type();
        return switch (type) {
            case "Create", "Update" -> sync(request);
            case "Delete" -> delete(request);
            default -> throw new InvalidRequestException("unknown RequestType '" + request.type() + "'");
        };
    }

    private Outcome sync(Request request) {
        Properties props = Properties.of(request.properties());
        DesiredRule.Delivery delivery = props.delivery();
        // Errors name files as pipelines/x.yaml, as the CLI does, not by the function's disk path.
        Path name = pipelinesDir.getFileName();
        Project project = ProjectLoader.load(pipelinesDir, name == null ? "pipelines" : name.toString(),
                ProjectLoader.locationParameters(parameters)).orThrow();
        List<DesiredRule> desired = ConsumerRules.compute(project, props.prefix(), props.triggerArn(), delivery);
        ReconcileReport report = new RulesReconciler(client.get(), props.bus(), props.prefix()).reconcile(desired);
        if ("Update".equals(request.type())) {
            Optional<Properties> old = Properties.tryOf(request.oldProperties());
            if (old.isPresent() && !old.get().sameRules(props)) {
                report = report.plusDeleted(deleteAll(old.get()));
            }
        }
        logReport(request, props, report);
        // A changed bus or prefix gives a new physical id: CloudFormation then sends a Delete for
        // the old one, which finds nothing left to delete.
        return new Outcome(CustomResourceResponse.SUCCESS, report.summary(), props.physicalId(), report);
    }

    private Outcome delete(Request request) {
        String physicalId = request.physicalResourceId() == null ? request.physicalIdOnFailure() : request.physicalResourceId();
        Optional<Properties> props = Properties.tryOf(request.properties());
        if (props.isEmpty()) {
            // Nothing can have been created from properties that do not even parse.
            return new Outcome(CustomResourceResponse.SUCCESS, "no valid properties: nothing to delete", physicalId, NOTHING);
        }
        try {
            ReconcileReport report = new ReconcileReport(List.of(), List.of(), deleteAll(props.get()), List.of());
            logReport(request, props.get(), report);
            return new Outcome(CustomResourceResponse.SUCCESS, report.summary(), physicalId, report);
        } catch (RuntimeException e) {
            if (physicalId.startsWith(CREATE_FAILED_ID_PREFIX)) {
                // The rollback of a failed Create: answering FAILED would leave the stack stuck in
                // ROLLBACK_FAILED. Rules it may have left carry the prefix; the next deploy removes them.
                log.warn("could not clean up after a failed create", fields("error", reason(e)));
                return new Outcome(CustomResourceResponse.SUCCESS, "create had failed; cleanup: " + reason(e), physicalId, NOTHING);
            }
            throw e;
        }
    }

    /** Deletes every rule of the prefix; a bus that no longer exists has none. */
    private List<String> deleteAll(Properties props) {
        try {
            return new RulesReconciler(client.get(), props.bus(), props.prefix()).deleteAll().deleted();
        } catch (RuntimeException e) {
            if (hasCause(e, ResourceNotFoundException.class)) {
                log.info("bus not found: no rules to delete", fields("bus", props.bus(), "prefix", props.prefix()));
                return List.of();
            }
            throw e;
        }
    }

    private void logReport(Request request, Properties props, ReconcileReport report) {
        log.info("rules synced", fields("requestType", request.type(), "bus", props.bus(), "prefix", props.prefix(),
                "created", report.created().size(), "updated", report.updated().size(),
                "deleted", report.deleted().size(), "unchanged", report.unchanged().size(),
                "changedRules", changedRules(report)));
    }

    private static List<String> changedRules(ReconcileReport report) {
        return Stream.of(report.created(), report.updated(), report.deleted()).flatMap(List::stream).toList();
    }

    private void respond(Request request, Outcome outcome) {
        CustomResourceResponse response = new CustomResourceResponse(outcome.status(), outcome.reason(), outcome.physicalId(),
                request.stackId(), request.requestId(), request.logicalResourceId(), outcome.report());
        if (request.responseUrl() == null) {
            log.error("no ResponseURL: the answer cannot be sent", fields("status", outcome.status()));
            return;
        }
        try {
            int status = sender.put(URI.create(request.responseUrl()), response.toJson());
            if (status / 100 == 2) {
                log.info("response sent", fields("status", outcome.status(), "physicalResourceId", outcome.physicalId(), "httpStatus", status));
            } else {
                log.error("response rejected", fields("status", outcome.status(), "httpStatus", status));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("interrupted while sending the response", fields("status", outcome.status()));
        } catch (Exception e) {
            log.error("could not send the response", fields("status", outcome.status(), "error", reason(e)));
        }
    }

    // ---- helpers ----

    /**
     * Runs the work on its own thread so that a slow reconciliation still leaves time to answer.
     * On timeout the thread is interrupted, which aborts the SDK call in flight.
     */
    private static Outcome withDeadline(Context context, Supplier<Outcome> work) throws Exception {
        if (context == null) {
            return work.get();
        }
        long budget = context.getRemainingTimeInMillis() - RESERVE_MILLIS;
        if (budget <= 0) {
            throw new TimeoutException("too little time left to sync the rules; raise the function's timeout");
        }
        // A virtual thread: interrupting it also closes a socket it is blocked on, so the
        // cancellation below really stops the call in flight.
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("rules-sync").factory());
        Future<Outcome> future = executor.submit(work::get);
        try {
            return future.get(budget, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimeoutException("syncing the rules did not finish within " + budget / 1000
                    + " s; some rules may be synced, the next deploy finishes the job");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            executor.shutdownNow();
        }
    }

    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Log fields in order, nulls left out. */
    private static Map<String, Object> fields(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                map.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return map;
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
