package io.freshet.rulessync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DeadLetterConfig;
import software.amazon.awssdk.services.eventbridge.model.InputTransformer;
import software.amazon.awssdk.services.eventbridge.model.ListRulesResponse;
import software.amazon.awssdk.services.eventbridge.model.ListTargetsByRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.RemoveTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.RetryPolicy;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * Makes the rules on a bus whose names start with {@code <prefix>-} exactly the desired ones:
 * creates the missing, rewrites the different, deletes the rest. Rules without the prefix are
 * never read or written, and neither are prefixed rules whose description says another prefix
 * owns them ({@link RuleNames#ownerMarker}), since prefixes nest. Running it twice changes nothing
 * the second time.
 *
 * <p>New and changed rules are written before stale ones are deleted, so a pipeline that moves
 * from one rule to another is never without one.
 */
public final class RulesReconciler {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** RemoveTargets takes at most 100 ids per call. */
    private static final int REMOVE_BATCH = 100;

    private final EventBridgeClient client;
    private final String busName;
    private final String prefix;
    private final String namePrefix;

    public RulesReconciler(EventBridgeClient client, String busName, String prefix) {
        this.client = Objects.requireNonNull(client, "client");
        if (busName == null || busName.isBlank()) {
            throw new IllegalArgumentException("the bus name must not be empty");
        }
        this.busName = busName;
        this.prefix = RuleNames.prefix(prefix);
        this.namePrefix = RuleNames.namePrefix(prefix);
    }

    /** Applies {@code desired} and reports what it did. */
    public ReconcileReport reconcile(List<DesiredRule> desired) {
        Changes changes = diff(desired);
        for (DesiredRule rule : changes.create()) {
            write(rule, List.of());
        }
        for (Update update : changes.update()) {
            write(update.desired(), update.extraTargetIds());
        }
        for (ExistingRule rule : changes.delete()) {
            delete(rule);
        }
        return changes.report();
    }

    /** What {@link #reconcile} would do, without changing anything (for dry runs). */
    public ReconcileReport plan(List<DesiredRule> desired) {
        return diff(desired).report();
    }

    /** Deletes every rule of this prefix (the stack is being deleted). */
    public ReconcileReport deleteAll() {
        return reconcile(List.of());
    }

    // ---- comparing ----

    private record ExistingRule(Rule rule, List<Target> targets) {
        String name() {
            return rule.name();
        }
    }

    private record Update(DesiredRule desired, List<String> extraTargetIds) {
    }

    private record Changes(List<DesiredRule> create, List<Update> update, List<ExistingRule> delete, List<String> unchanged) {
        ReconcileReport report() {
            return new ReconcileReport(create.stream().map(DesiredRule::name).toList(),
                    update.stream().map(u -> u.desired().name()).toList(),
                    delete.stream().map(ExistingRule::name).toList(),
                    unchanged);
        }
    }

    private Changes diff(List<DesiredRule> desired) {
        Set<String> names = new HashSet<>();
        for (DesiredRule rule : desired) {
            if (!rule.name().startsWith(namePrefix)) {
                // It would be created but never found again by listing: not idempotent.
                throw new IllegalArgumentException("rule " + rule.name() + " does not start with " + namePrefix);
            }
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("rule " + rule.name() + " is desired twice");
            }
        }
        Map<String, ExistingRule> existing = new TreeMap<>();
        for (Rule rule : listOwnRules()) {
            existing.put(rule.name(), new ExistingRule(rule, listTargets(rule.name())));
        }
        List<DesiredRule> create = new ArrayList<>();
        List<Update> update = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (DesiredRule want : desired) {
            ExistingRule have = existing.remove(want.name());
            if (have == null) {
                create.add(want);
                continue;
            }
            List<String> extra = have.targets().stream().map(Target::id).filter(id -> !id.equals(want.targetId())).toList();
            if (ruleMatches(want, have.rule()) && targetMatches(want, have.targets()) && extra.isEmpty()) {
                unchanged.add(want.name());
            } else {
                update.add(new Update(want, extra));
            }
        }
        return new Changes(create, update, List.copyOf(existing.values()), unchanged);
    }

    private static boolean ruleMatches(DesiredRule want, Rule have) {
        return sameJson(want.eventPattern(), have.eventPattern())
                && Objects.equals(want.description(), have.description())
                && have.state() == RuleState.ENABLED;
    }

    private static boolean targetMatches(DesiredRule want, List<Target> targets) {
        Optional<Target> found = targets.stream().filter(t -> t.id().equals(want.targetId())).findFirst();
        if (found.isEmpty()) {
            return false;
        }
        Target t = found.get();
        InputTransformer transformer = t.inputTransformer();
        return want.targetArn().equals(t.arn())
                && Objects.equals(retryPolicy(want.delivery()), t.retryPolicy())
                && Objects.equals(want.delivery().deadLetterArn().orElse(null), t.deadLetterConfig() == null ? null : t.deadLetterConfig().arn())
                && t.input() == null
                && t.inputPath() == null
                && transformer != null
                && want.inputTemplate().equals(transformer.inputTemplate())
                && (!transformer.hasInputPathsMap() || transformer.inputPathsMap().isEmpty());
    }

    /** Patterns compare as JSON, in case EventBridge hands one back reformatted. */
    private static boolean sameJson(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        try {
            JsonNode x = JSON.readTree(a);
            JsonNode y = JSON.readTree(b);
            return x.equals(y);
        } catch (JsonProcessingException e) {
            return false; // an unreadable pattern is not ours: rewrite it
        }
    }

    // ---- reading ----

    private List<Rule> listOwnRules() {
        List<Rule> rules = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListRulesResponse page = call("listing rules " + namePrefix + "* on bus " + busName,
                    () -> client.listRules(r -> r.eventBusName(busName).namePrefix(namePrefix).nextToken(next)));
            for (Rule rule : page.rules()) {
                if (isOwn(rule)) {
                    rules.add(rule);
                }
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return rules;
    }

    private boolean isOwn(Rule rule) {
        if (!rule.name().startsWith(namePrefix) || rule.managedBy() != null) {
            return false; // an AWS service's managed rule cannot be changed anyway
        }
        // A rule marked as another prefix's belongs to another deployment on the same bus.
        return RuleNames.ownerOf(rule.description()).map(prefix::equals).orElse(true);
    }

    private List<Target> listTargets(String rule) {
        List<Target> targets = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListTargetsByRuleResponse page = call("listing the targets of rule " + rule,
                    () -> client.listTargetsByRule(r -> r.eventBusName(busName).rule(rule).nextToken(next)));
            targets.addAll(page.targets());
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return targets;
    }

    // ---- writing ----

    private void write(DesiredRule rule, List<String> extraTargetIds) {
        call("writing rule " + rule.name(), () -> client.putRule(r -> r.eventBusName(busName).name(rule.name())
                .description(rule.description()).eventPattern(rule.eventPattern()).state(RuleState.ENABLED)));
        // PutTargets replaces the whole target with this id, so anything else set on it is reset.
        Target target = Target.builder()
                .id(rule.targetId())
                .arn(rule.targetArn())
                .inputTransformer(InputTransformer.builder().inputTemplate(rule.inputTemplate()).build())
                .retryPolicy(retryPolicy(rule.delivery()))
                .deadLetterConfig(rule.delivery().deadLetterArn().map(arn -> DeadLetterConfig.builder().arn(arn).build()).orElse(null))
                .build();
        PutTargetsResponse put = call("setting the target of rule " + rule.name(),
                () -> client.putTargets(r -> r.eventBusName(busName).rule(rule.name()).targets(target)));
        if (put.failedEntryCount() != null && put.failedEntryCount() > 0) {
            throw new RulesSyncException("setting the target of rule " + rule.name() + " failed: "
                    + put.failedEntries().stream().map(e -> e.targetId() + ": " + e.errorCode() + " " + e.errorMessage()).toList());
        }
        removeTargets(rule.name(), extraTargetIds);
    }

    private static RetryPolicy retryPolicy(DesiredRule.Delivery delivery) {
        return RetryPolicy.builder().maximumRetryAttempts(delivery.maximumRetryAttempts())
                .maximumEventAgeInSeconds(delivery.maximumEventAgeSeconds()).build();
    }

    private void delete(ExistingRule rule) {
        // DeleteRule fails while a rule has targets.
        removeTargets(rule.name(), rule.targets().stream().map(Target::id).toList());
        call("deleting rule " + rule.name(), () -> client.deleteRule(r -> r.eventBusName(busName).name(rule.name())));
    }

    private void removeTargets(String rule, List<String> ids) {
        for (int from = 0; from < ids.size(); from += REMOVE_BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + REMOVE_BATCH));
            RemoveTargetsResponse removed = call("removing targets " + batch + " of rule " + rule,
                    () -> client.removeTargets(r -> r.eventBusName(busName).rule(rule).ids(batch)));
            if (removed.failedEntryCount() != null && removed.failedEntryCount() > 0) {
                throw new RulesSyncException("removing targets of rule " + rule + " failed: "
                        + removed.failedEntries().stream().map(e -> e.targetId() + ": " + e.errorCode() + " " + e.errorMessage()).toList());
            }
        }
    }

    /**
     * Runs one API call, naming what it was for when it fails (the SDK's message does not say
     * which rule). The SDK exception stays the cause, so callers can still tell a missing bus.
     */
    private static <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw new RulesSyncException(what + ": " + e.getMessage(), e);
        }
    }
}
