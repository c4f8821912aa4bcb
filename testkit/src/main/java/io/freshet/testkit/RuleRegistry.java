package io.freshet.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.event.ruler.Machine;

/**
 * The buses, their rules and the rules' targets, and one Event Ruler {@link Machine} per bus that
 * holds every rule's pattern under the rule's name. Thread-safe: changes take the write lock,
 * matching and listing the read lock; everything handed out is immutable.
 *
 * <p>Buses need not be created: {@code default} and any bus an operation names exist.
 */
final class RuleRegistry {

    /** A matching rule and one of its targets: one delivery. */
    record Route(Rule rule, Target target) {
    }

    /** One page of a listing; {@code nextToken} is {@code null} on the last. */
    record Page<T>(List<T> items, String nextToken) {
    }

    static final int MAX_TARGETS_PER_RULE = 5;
    static final int MAX_PAGE = 100;

    private static final Pattern RULE_NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");
    private static final Set<String> STATES = Set.of(Rule.ENABLED, Rule.DISABLED, Rule.ENABLED_WITH_CLOUDTRAIL);

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Bus> buses = new HashMap<>();

    private static final class Bus {
        final String name;
        boolean created;
        final NavigableMap<String, RuleEntry> rules = new TreeMap<>();
        final Machine machine = Machine.builder().build();

        Bus(String name) {
            this.name = name;
        }
    }

    private static final class RuleEntry {
        Rule rule;
        final NavigableMap<String, Target> targets = new TreeMap<>();

        RuleEntry(Rule rule) {
            this.rule = rule;
        }
    }

    // ---- buses

    /** CreateEventBus: fails for {@code default} and for a bus created before. */
    String createBus(String name) {
        if (name == null || name.isEmpty() || name.length() > 256) {
            throw ApiError.validation("Event bus name must be 1 to 256 characters.");
        }
        return write(() -> {
            Bus bus = bus(name);
            if (Names.DEFAULT_BUS.equals(name) || bus.created) {
                throw new ApiError("ResourceAlreadyExistsException", "Event bus " + name + " already exists.");
            }
            bus.created = true;
            return Names.busArn(name);
        });
    }

    // ---- rules

    Rule putRule(Rule rule) {
        if (rule.name() == null || !RULE_NAME.matcher(rule.name()).matches()) {
            throw ApiError.validation("Rule name '" + rule.name() + "' is not valid: 1 to 64 of letters, digits, '.', '-', '_'.");
        }
        if (!STATES.contains(rule.state())) {
            throw ApiError.validation("State must be one of " + STATES + ".");
        }
        if (rule.eventPattern() == null && rule.scheduleExpression() == null) {
            throw ApiError.validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
        }
        if (rule.scheduleExpression() != null && !Names.DEFAULT_BUS.equals(rule.bus())) {
            throw ApiError.validation("ScheduleExpression is supported only on the default event bus.");
        }
        if (rule.eventPattern() != null) {
            checkPattern(rule.eventPattern());
        }
        return write(() -> {
            Bus bus = bus(rule.bus());
            RuleEntry entry = bus.rules.get(rule.name());
            if (entry == null) {
                bus.rules.put(rule.name(), new RuleEntry(rule));
            } else {
                if (entry.rule.eventPattern() != null) {
                    addOrDelete(bus, entry.rule, false);
                }
                entry.rule = rule;
            }
            if (rule.eventPattern() != null) {
                addOrDelete(bus, rule, true);
            }
            return rule;
        });
    }

    Rule describeRule(String bus, String name) {
        return read(() -> entry(bus, name).rule);
    }

    Page<Rule> listRules(String busName, String namePrefix, int limit, String nextToken) {
        String prefix = namePrefix == null ? "" : namePrefix;
        String after = nextToken == null ? null : decodeToken(nextToken);
        return read(() -> {
            Bus bus = buses.get(busName);
            if (bus == null) {
                return new Page<>(List.of(), null);
            }
            NavigableMap<String, RuleEntry> from = after == null ? bus.rules.tailMap(prefix, true) : bus.rules.tailMap(after, false);
            List<Rule> page = new ArrayList<>();
            for (RuleEntry entry : from.values()) {
                if (!entry.rule.name().startsWith(prefix)) {
                    if (entry.rule.name().compareTo(prefix) > 0) {
                        break; // past every name with the prefix
                    }
                    continue;
                }
                if (page.size() == limit) {
                    return new Page<>(page, encodeToken(page.get(page.size() - 1).name()));
                }
                page.add(entry.rule);
            }
            return new Page<>(page, null);
        });
    }

    /** DeleteRule: fails, as AWS does, while the rule still has targets. */
    void deleteRule(String busName, String name) {
        write(() -> {
            RuleEntry entry = entry(busName, name);
            if (!entry.targets.isEmpty()) {
                throw ApiError.validation("Rule can't be deleted since it has targets.");
            }
            Bus bus = buses.get(busName);
            if (entry.rule.eventPattern() != null) {
                addOrDelete(bus, entry.rule, false);
            }
            bus.rules.remove(name);
            return null;
        });
    }

    // ---- targets

    void putTargets(String busName, String ruleName, List<Target> targets) {
        write(() -> {
            RuleEntry entry = entry(busName, ruleName);
            Map<String, Target> after = new TreeMap<>(entry.targets);
            targets.forEach(t -> after.put(t.id(), t));
            if (after.size() > MAX_TARGETS_PER_RULE) {
                throw new ApiError("LimitExceededException", "The requested resource exceeds the maximum number allowed: "
                        + MAX_TARGETS_PER_RULE + " targets per rule.");
            }
            entry.targets.putAll(after);
            return null;
        });
    }

    /** RemoveTargets: ids the rule does not have are ignored. */
    void removeTargets(String busName, String ruleName, List<String> ids) {
        write(() -> {
            RuleEntry entry = entry(busName, ruleName);
            ids.forEach(entry.targets::remove);
            return null;
        });
    }

    Page<Target> listTargets(String busName, String ruleName, int limit, String nextToken) {
        String after = nextToken == null ? null : decodeToken(nextToken);
        return read(() -> {
            RuleEntry entry = entry(busName, ruleName);
            NavigableMap<String, Target> from = after == null ? entry.targets : entry.targets.tailMap(after, false);
            List<Target> page = new ArrayList<>();
            for (Target target : from.values()) {
                if (page.size() == limit) {
                    return new Page<>(page, encodeToken(page.get(page.size() - 1).id()));
                }
                page.add(target);
            }
            return new Page<>(page, null);
        });
    }

    // ---- matching

    /** Every (enabled rule, target) on {@code busName} whose pattern matches {@code event}. */
    List<Route> routes(String busName, JsonNode event) {
        return read(() -> {
            Bus bus = buses.get(busName);
            if (bus == null) {
                return List.of();
            }
            List<Route> routes = new ArrayList<>();
            for (String name : new LinkedHashSet<>(bus.machine.rulesForJSONEvent(event))) { // once per rule, whatever matched
                RuleEntry entry = bus.rules.get(name);
                if (entry != null && entry.rule.enabled()) {
                    entry.targets.values().forEach(t -> routes.add(new Route(entry.rule, t)));
                }
            }
            return routes;
        });
    }

    // ---- internals

    /** Ruler's own compiler decides, and its message becomes the reason, as in AWS's errors. */
    private static void checkPattern(String pattern) {
        try {
            Machine.builder().build().addRule("check", pattern);
        } catch (JsonProcessingException e) {
            throw new ApiError("InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            throw new ApiError("InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getMessage());
        }
    }

    private static void addOrDelete(Bus bus, Rule rule, boolean add) {
        try {
            if (add) {
                bus.machine.addRule(rule.name(), rule.eventPattern());
            } else {
                bus.machine.deleteRule(rule.name(), rule.eventPattern());
            }
        } catch (IOException e) {
            throw new IllegalStateException("a pattern that compiled before failed: " + rule.eventPattern(), e);
        }
    }

    private Bus bus(String name) {
        return buses.computeIfAbsent(name, Bus::new);
    }

    private RuleEntry entry(String busName, String ruleName) {
        Bus bus = buses.get(busName);
        RuleEntry entry = bus == null ? null : bus.rules.get(ruleName);
        if (entry == null) {
            throw ApiError.notFound("Rule " + ruleName + " does not exist on EventBus " + busName + ".");
        }
        return entry;
    }

    private static String encodeToken(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith("after:")) {
                return decoded.substring("after:".length());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw ApiError.validation("The provided NextToken is not valid.");
    }

    private <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private <T> T write(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
