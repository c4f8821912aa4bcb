package io.freshet.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A rule as PutRule left it. {@code eventPattern}, {@code scheduleExpression} and
 * {@code description} may be {@code null}; schedules are stored and reported but never fire.
 */
record Rule(String bus, String name, String eventPattern, String scheduleExpression, String state, String description) {

    static final String ENABLED = "ENABLED";
    static final String DISABLED = "DISABLED";
    static final String ENABLED_WITH_CLOUDTRAIL = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

    String arn() {
        return Names.ruleArn(bus, name);
    }

    boolean enabled() {
        return !DISABLED.equals(state);
    }

    /** The shape ListRules and DescribeRule answer with. */
    ObjectNode toJson() {
        ObjectNode n = Json.object().put("Name", name).put("Arn", arn());
        if (eventPattern != null) {
            n.put("EventPattern", eventPattern);
        }
        if (scheduleExpression != null) {
            n.put("ScheduleExpression", scheduleExpression);
        }
        n.put("State", state);
        if (description != null) {
            n.put("Description", description);
        }
        return n.put("EventBusName", bus);
    }
}
