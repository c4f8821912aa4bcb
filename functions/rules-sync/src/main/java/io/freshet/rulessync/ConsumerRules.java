package io.freshet.rulessync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;

/**
 * The EventBridge rules that fan asset events out to their consumers: one per pipeline.
 *
 * <p>Each rule matches two kinds of event from source {@code freshet}:
 * <ul>
 *   <li>{@code Asset Updated} for any of the pipeline's inputs, which may make it ready;</li>
 *   <li>the pipeline's own {@code Run Succeeded}, {@code Run Failed} and {@code Run Skipped}, so
 *       the trigger re-evaluates the events that arrived while a run was going.</li>
 * </ul>
 * A pipeline that reads no asset with update events (a cron snapshot of a database) still gets a
 * rule for its own runs' ends: a request that arrived while a run was going (a backfill, a code
 * change) is then answered as soon as that run ends.
 * Everything is deterministic (pipelines by name, assets sorted, fixed key order), so computing
 * the rules twice gives byte-identical patterns and the reconciler sees no change.
 */
public final class ConsumerRules {

    // The shapes are EventJson's, which the functions publish: one definition of each name.
    public static final String EVENT_SOURCE = EventJson.SOURCE;
    public static final String ASSET_UPDATED = EventJson.ASSET_UPDATED;
    public static final List<String> RUN_FINISHED = List.of(EventJson.RUN_SUCCEEDED,
            EventJson.RUN_FAILED, EventJson.RUN_SKIPPED);
    public static final String TARGET_ID = "trigger";

    /** EventBridge's limit on rule descriptions. */
    static final int MAX_DESCRIPTION_LENGTH = 512;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsumerRules() {
    }

    /** The rules without a dead-letter queue (a local bus, tests): {@link DesiredRule.Delivery#DEFAULT}. */
    public static List<DesiredRule> compute(Project project, String prefix, String triggerFunctionArn) {
        return compute(project, prefix, triggerFunctionArn, DesiredRule.Delivery.DEFAULT);
    }

    /** The rules, each target with {@code delivery}'s retries and dead-letter queue. */
    public static List<DesiredRule> compute(Project project, String prefix, String triggerFunctionArn, DesiredRule.Delivery delivery) {
        if (triggerFunctionArn == null || triggerFunctionArn.isBlank()) {
            throw new IllegalArgumentException("the trigger function ARN must not be empty");
        }
        RuleNames.prefix(prefix); // fail on a bad prefix even when no pipeline needs a rule
        List<DesiredRule> rules = new ArrayList<>();
        Map<String, String> pipelineByRule = new HashMap<>();
        List<Pipeline> pipelines = project.pipelines().stream().sorted(Comparator.comparing(Pipeline::name)).toList();
        for (Pipeline pipeline : pipelines) {
            List<String> inputs = eventfulInputs(project, pipeline);
            String name = RuleNames.ruleName(prefix, pipeline.name());
            String clash = pipelineByRule.putIfAbsent(name, pipeline.name());
            if (clash != null) {
                // Unreachable with valid pipeline names and the hash suffix; a guard, not a feature.
                throw new IllegalStateException("pipelines '" + clash + "' and '" + pipeline.name() + "' map to the same rule name " + name);
            }
            rules.add(new DesiredRule(name, description(prefix, pipeline.name(), inputs), eventPattern(pipeline.name(), inputs),
                    TARGET_ID, triggerFunctionArn, inputTemplate(pipeline.name()), delivery));
        }
        return List.copyOf(rules);
    }

    /**
     * The inputs that announce updates, sorted and without duplicates: every input except
     * PostgreSQL sources that nothing observes, which only snapshot steps read and which have no events.
     */
    static List<String> eventfulInputs(Project project, Pipeline pipeline) {
        return pipeline.inputAssets().stream()
                .filter(asset -> !(project.source(asset).orElse(null) instanceof Source.Postgres)
                        || project.observations().stream().anyMatch(o -> o.source().equals(asset))) // observed: the tick records its changes
                .distinct()
                .sorted()
                .toList();
    }

    static String eventPattern(String pipeline, List<String> inputs) {
        ObjectNode pattern = JSON.createObjectNode();
        pattern.putArray("source").add(EVENT_SOURCE);
        if (inputs.isEmpty()) { // a pipeline with no input events (a cron snapshot): only its own runs' ends
            ArrayNode runTypes = pattern.putArray("detail-type");
            RUN_FINISHED.forEach(runTypes::add);
            pattern.putObject("detail").putArray("pipeline").add(pipeline);
            return write(pattern);
        }
        ArrayNode or = pattern.putArray("$or");

        ObjectNode updated = or.addObject();
        updated.putArray("detail-type").add(ASSET_UPDATED);
        ArrayNode assets = updated.putObject("detail").putArray("asset");
        inputs.forEach(assets::add);

        ObjectNode runs = or.addObject();
        ArrayNode runTypes = runs.putArray("detail-type");
        RUN_FINISHED.forEach(runTypes::add);
        runs.putObject("detail").putArray("pipeline").add(pipeline);
        return write(pattern);
    }

    /**
     * {@code <aws.events.event.json>} is EventBridge's placeholder for the whole event; it needs no
     * InputPathsMap. The pipeline name is written as a JSON string (escaped, though valid names
     * never need it).
     */
    static String inputTemplate(String pipeline) {
        return "{\"pipeline\": " + write(JSON.getNodeFactory().textNode(pipeline)) + ", \"event\": <aws.events.event.json>}";
    }

    static String description(String prefix, String pipeline, List<String> inputs) {
        String text = RuleNames.ownerMarker(prefix) + " triggers pipeline " + pipeline
                + (inputs.isEmpty() ? " on its own finished runs" : " on updates of " + String.join(", ", inputs) + " and on its own finished runs");
        if (text.length() <= MAX_DESCRIPTION_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_DESCRIPTION_LENGTH - 3) + "...";
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
