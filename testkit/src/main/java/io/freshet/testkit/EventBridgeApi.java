package io.freshet.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * EventBridge's operations on JSON: reads each request's fields as the SDK sends them, calls the
 * {@link RuleRegistry} or {@link EventIngestion}, and builds the response fields the SDK reads.
 */
final class EventBridgeApi {

    private final RuleRegistry registry;
    private final EventIngestion ingestion;

    EventBridgeApi(RuleRegistry registry, EventIngestion ingestion) {
        this.registry = registry;
        this.ingestion = ingestion;
    }

    /** The operations by name, for {@link AwsJsonProtocol} with the target prefix {@code AWSEvents.}. */
    Map<String, AwsJsonProtocol.Operation> operations() {
        return Map.ofEntries(
                Map.entry("PutEvents", ingestion::putEvents),
                Map.entry("PutRule", this::putRule),
                Map.entry("DescribeRule", this::describeRule),
                Map.entry("ListRules", this::listRules),
                Map.entry("DeleteRule", this::deleteRule),
                Map.entry("PutTargets", this::putTargets),
                Map.entry("RemoveTargets", this::removeTargets),
                Map.entry("ListTargetsByRule", this::listTargetsByRule),
                Map.entry("CreateEventBus", this::createEventBus),
                Map.entry("DescribeEventBus", this::describeEventBus));
    }

    private JsonNode putRule(JsonNode r) {
        String state = Json.text(r, "State");
        Rule rule = registry.putRule(new Rule(bus(r), Json.text(r, "Name"), Json.text(r, "EventPattern"),
                Json.text(r, "ScheduleExpression"), state == null ? Rule.ENABLED : state, Json.text(r, "Description")));
        return Json.object().put("RuleArn", rule.arn());
    }

    private JsonNode describeRule(JsonNode r) {
        return registry.describeRule(bus(r), required(r, "Name")).toJson().put("CreatedBy", Names.ACCOUNT);
    }

    private JsonNode listRules(JsonNode r) {
        RuleRegistry.Page<Rule> page = registry.listRules(bus(r), Json.text(r, "NamePrefix"), limit(r), Json.text(r, "NextToken"));
        ArrayNode rules = Json.MAPPER.createArrayNode();
        page.items().forEach(rule -> rules.add(rule.toJson()));
        return withToken(Json.object().set("Rules", rules), page);
    }

    private JsonNode deleteRule(JsonNode r) {
        registry.deleteRule(bus(r), required(r, "Name"));
        return Json.object();
    }

    private JsonNode putTargets(JsonNode r) {
        JsonNode given = r.path("Targets");
        if (!given.isArray() || given.isEmpty()) {
            throw ApiError.validation("Targets must have at least one target.");
        }
        List<Target> targets = new ArrayList<>();
        given.forEach(t -> targets.add(Target.parse(t)));
        registry.putTargets(bus(r), required(r, "Rule"), targets);
        return Json.object().put("FailedEntryCount", 0).set("FailedEntries", Json.MAPPER.createArrayNode());
    }

    private JsonNode removeTargets(JsonNode r) {
        List<String> ids = new ArrayList<>();
        r.path("Ids").forEach(id -> ids.add(id.asText()));
        if (ids.isEmpty()) {
            throw ApiError.validation("Ids must name at least one target.");
        }
        registry.removeTargets(bus(r), required(r, "Rule"), ids);
        return Json.object().put("FailedEntryCount", 0).set("FailedEntries", Json.MAPPER.createArrayNode());
    }

    private JsonNode listTargetsByRule(JsonNode r) {
        RuleRegistry.Page<Target> page = registry.listTargets(bus(r), required(r, "Rule"), limit(r), Json.text(r, "NextToken"));
        ArrayNode targets = Json.MAPPER.createArrayNode();
        page.items().forEach(t -> targets.add(t.json()));
        return withToken(Json.object().set("Targets", targets), page);
    }

    private JsonNode createEventBus(JsonNode r) {
        return Json.object().put("EventBusArn", registry.createBus(required(r, "Name")));
    }

    private JsonNode describeEventBus(JsonNode r) {
        String bus = Names.bus(Json.text(r, "Name"));
        return Json.object().put("Name", bus).put("Arn", Names.busArn(bus));
    }

    private static String bus(JsonNode r) {
        return Names.bus(Json.text(r, "EventBusName"));
    }

    private static String required(JsonNode r, String field) {
        String value = Json.text(r, field);
        if (value == null || value.isEmpty()) {
            throw ApiError.validation("1 validation error detected: Value null at '" + field + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static int limit(JsonNode r) {
        JsonNode limit = r.get("Limit");
        if (limit == null || limit.isNull()) {
            return RuleRegistry.MAX_PAGE;
        }
        int n = limit.asInt();
        if (n < 1 || n > RuleRegistry.MAX_PAGE) {
            throw ApiError.validation("Limit must be between 1 and " + RuleRegistry.MAX_PAGE + ".");
        }
        return n;
    }

    private static ObjectNode withToken(JsonNode response, RuleRegistry.Page<?> page) {
        ObjectNode n = (ObjectNode) response;
        if (page.nextToken() != null) {
            n.put("NextToken", page.nextToken());
        }
        return n;
    }
}
