package io.freshet.rulessync;

/**
 * One consumer rule as it should exist on the bus: its pattern and its single target, the
 * trigger function, which receives {@code {"pipeline": ..., "event": ...}}.
 *
 * @param eventPattern  the EventBridge pattern, compact JSON
 * @param inputTemplate the target's InputTransformer template
 */
public record DesiredRule(String name, String description, String eventPattern, String targetId, String targetArn,
                          String inputTemplate) {
}
