package io.freshet.local.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.load.StackTemplate;

/**
 * How template.yaml wires the functions, read from the template itself so that the embedded stack
 * cannot drift from what AWS deploys: each function's handler class and environment (Globals
 * merged), each EventBridge rule a function's {@code Events} declare (bus, pattern, input path,
 * retries, dead-letter queue), each schedule, and the rules-sync custom resource's rule prefix.
 *
 * <p>Intrinsic functions are resolved the way CloudFormation would for one stack: {@code !Ref}
 * of a parameter is its default (or the value given; both as core's {@link StackTemplate#values(Map)}
 * reads them, the one reader of the template's parameters), of a resource its local physical name; {@code !GetAtt X.Arn} a
 * local ARN; {@code !Sub} substitutes both.
 */
public record TemplateWiring(Map<String, LambdaFunction> functions, List<Rule> rules, List<Schedule> schedules,
                             Optional<ConsumerRules> consumerRules, Map<String, String> parameters) {

    /** Lambda's memory size when neither the function nor Globals gives one. */
    private static final int LAMBDA_DEFAULT_MEMORY_MB = 128;

    public record LambdaFunction(String logicalId, String handlerClass, Map<String, String> environment, int memoryMb) {
    }

    /** A rule from a function's {@code EventBridgeRule} event; {@code bus} is "default" when the event names none. */
    public record Rule(String name, String function, String bus, String pattern, Optional<String> inputPath,
                       int maximumRetryAttempts, Optional<String> deadLetterQueue) {
    }

    public record Schedule(String function, String expression, String input) {
    }

    /**
     * The rules-sync custom resource: whose ARN the consumer rules target, their name prefix and
     * bus, the function that serves the resource (CloudFormation calls it on deploy; a local
     * stack does its work directly), and the queue the rules send what they cannot deliver.
     */
    public record ConsumerRules(String triggerFunction, String rulePrefix, String bus, String serviceFunction,
                                Optional<String> deadLetterQueue) {
    }

    /** Whether a function only serves the rules-sync custom resource, so an embedded stack never invokes it. */
    public boolean servesCustomResource(String logicalId) {
        return consumerRules.map(c -> c.serviceFunction().equals(logicalId)).orElse(false);
    }

    /** A resolved intrinsic function, as the YAML gives it before resolution. */
    private record Intrinsic(String function, Object argument) {
    }

    /**
     * @param physicalNames each resource's local name (the table, the bus, the bucket, a queue) by logical id
     * @param arn           the local ARN of a resource by logical id
     */
    public static TemplateWiring read(Path template, Map<String, String> physicalNames, Function<String, String> arn) {
        return read(template, Map.of(), physicalNames, arn);
    }

    /**
     * As {@link #read(Path, Map, java.util.function.Function)}, with some parameters given values as
     * {@code sam deploy --parameter-overrides} would (a {@code StackPrefix} of its own, so that several
     * stacks share one account); the others keep their defaults.
     *
     * @throws IllegalArgumentException if an override names a parameter the template does not declare
     */
    public static TemplateWiring read(Path template, Map<String, String> parameterOverrides, Map<String, String> physicalNames,
                                      Function<String, String> arn) {
        Map<String, Object> root;
        try {
            root = new Yaml(new IntrinsicConstructor()).load(Files.readString(template));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + template, e);
        }
        Map<String, String> parameters = StackTemplate.read(template).values(parameterOverrides);
        Resolver r = new Resolver(parameters, physicalNames, arn);
        Map<String, Object> globalFunction = map(map(root.get("Globals")).get("Function"));
        Map<String, Object> globalEnv = map(map(globalFunction.get("Environment")).get("Variables"));
        int globalMemory = globalFunction.get("MemorySize") instanceof Integer m ? m : LAMBDA_DEFAULT_MEMORY_MB;

        Map<String, LambdaFunction> functions = new LinkedHashMap<>();
        List<Rule> rules = new ArrayList<>();
        List<Schedule> schedules = new ArrayList<>();
        Optional<ConsumerRules> consumer = Optional.empty();
        for (Map.Entry<String, Object> e : map(root.get("Resources")).entrySet()) {
            Map<String, Object> resource = map(e.getValue());
            Map<String, Object> props = map(resource.get("Properties"));
            String type = String.valueOf(resource.get("Type"));
            if (type.equals("AWS::Serverless::Function")) {
                functions.put(e.getKey(), function(e.getKey(), props, globalEnv, globalMemory, r));
                readEvents(e.getKey(), map(props.get("Events")), r, rules, schedules);
            } else if (type.startsWith("Custom::") && props.containsKey("RulePrefix")) {
                consumer = Optional.of(consumerRules(props, r));
            }
        }
        return new TemplateWiring(functions, rules, schedules, consumer.map(c -> triggeredDirectly(c, functions.keySet())), parameters);
    }

    /** A function's handler class and its environment: Globals' variables, then its own over them. */
    private static LambdaFunction function(String logicalId, Map<String, Object> props, Map<String, Object> globalEnv, int globalMemory,
                                           Resolver r) {
        Map<String, String> env = new LinkedHashMap<>();
        globalEnv.forEach((k, v) -> env.put(k, r.resolve(v)));
        map(map(props.get("Environment")).get("Variables")).forEach((k, v) -> env.put(k, r.resolve(v)));
        String handler = String.valueOf(props.get("Handler"));
        int memory = props.get("MemorySize") instanceof Integer m ? m : globalMemory;
        return new LambdaFunction(logicalId, handler.replaceFirst("::.*$", ""), env, memory);
    }

    /** The rules and schedules a function's {@code Events} declare, added in the template's order. */
    private static void readEvents(String function, Map<String, Object> events, Resolver r, List<Rule> rules, List<Schedule> schedules) {
        for (Map.Entry<String, Object> ev : events.entrySet()) {
            Map<String, Object> event = map(ev.getValue());
            Map<String, Object> p = map(event.get("Properties"));
            switch (String.valueOf(event.get("Type"))) {
                case "EventBridgeRule" -> rules.add(rule(function + ev.getKey(), function, p, r));
                case "ScheduleV2", "Schedule" -> schedules.add(new Schedule(function, r.resolve(p.get("ScheduleExpression")),
                        p.containsKey("Input") ? r.resolve(p.get("Input")) : "{}"));
                default -> {
                    // other event sources do not exist in this template
                }
            }
        }
    }

    /** An {@code EventBridgeRule} event; the retries default to EventBridge's own (185), the bus to the default one. */
    private static Rule rule(String name, String function, Map<String, Object> p, Resolver r) {
        Map<String, Object> deadLetters = map(p.get("DeadLetterConfig"));
        return new Rule(name, function,
                p.containsKey("EventBusName") ? r.resolve(p.get("EventBusName")) : "default",
                EventJson.write(EventJson.MAPPER.valueToTree(r.resolveTree(p.get("Pattern")))),
                Optional.ofNullable(p.get("InputPath")).map(r::resolve),
                Integer.parseInt(String.valueOf(map(p.get("RetryPolicy")).getOrDefault("MaximumRetryAttempts", 185))),
                Optional.ofNullable(deadLetters.getOrDefault("Arn", deadLetters.get("Destination"))).map(r::resolve));
    }

    private static ConsumerRules consumerRules(Map<String, Object> props, Resolver r) {
        return new ConsumerRules(logicalIdOf(props.get("TriggerFunctionArn")), r.resolve(props.get("RulePrefix")),
                r.resolve(props.get("BusName")), logicalIdOf(props.get("ServiceToken")),
                Optional.ofNullable(props.get("DeadLetterQueueArn")).map(r::resolve));
    }

    /** The consumer rules may target the trigger's alias (TriggerFunctionAliaslive): that is the trigger function. */
    private static ConsumerRules triggeredDirectly(ConsumerRules c, Set<String> functions) {
        String trigger = functions.stream().filter(c.triggerFunction()::startsWith).findFirst().orElse(c.triggerFunction());
        return new ConsumerRules(trigger, c.rulePrefix(), c.bus(), c.serviceFunction(), c.deadLetterQueue());
    }

    /** The logical id an intrinsic names: {@code !GetAtt X.Arn}, {@code !Ref X.Alias} or {@code [X, Arn]} all give X. */
    private static String logicalIdOf(Object token) {
        if (token instanceof Intrinsic i) {
            return i.argument() instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(i.argument()).replaceFirst("\\..*$", "");
        }
        return String.valueOf(token);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Resolves the intrinsic functions a Freshet template uses, for one embedded stack. */
    private record Resolver(Map<String, String> parameters, Map<String, String> names, Function<String, String> arn) {

        private static final Pattern SUB = Pattern.compile("\\$\\{([^}]+)}");

        String resolve(Object v) {
            Object r = resolveTree(v);
            return r instanceof String s ? s : EventJson.write(EventJson.MAPPER.valueToTree(r));
        }

        Object resolveTree(Object v) {
            if (v instanceof Intrinsic i) {
                return switch (i.function()) {
                    case "!Ref", "Ref" -> ref(String.valueOf(i.argument()));
                    case "!GetAtt", "Fn::GetAtt" -> getAtt(i.argument() instanceof List<?> l ? l.get(0) + "." + l.get(1) : String.valueOf(i.argument()));
                    case "!Sub", "Fn::Sub" -> sub(String.valueOf(i.argument() instanceof List<?> l ? l.get(0) : i.argument()));
                    default -> throw new IllegalArgumentException("the local stack does not resolve " + i.function() + " where it is used");
                };
            }
            if (v instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), resolveTree(x)));
                return out;
            }
            if (v instanceof List<?> l) {
                return l.stream().map(this::resolveTree).toList();
            }
            return v == null ? "" : String.valueOf(v);
        }

        private String ref(String name) {
            if (name.equals("AWS::Region")) {
                return "eu-central-1";
            }
            if (name.equals("AWS::AccountId")) {
                return "000000000000";
            }
            if (name.equals("AWS::Partition")) {
                return "aws";
            }
            if (parameters.containsKey(name)) {
                return parameters.get(name);
            }
            return names.getOrDefault(name, name);
        }

        private String getAtt(String path) {
            String[] parts = path.split("\\.", 2);
            return parts.length == 2 && parts[1].equals("Arn") ? arn.apply(parts[0]) : names.getOrDefault(parts[0], parts[0]);
        }

        private String sub(String text) {
            Matcher m = SUB.matcher(text);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String key = m.group(1);
                m.appendReplacement(b, Matcher.quoteReplacement(key.contains(".") && !key.startsWith("AWS::") ? getAtt(key) : ref(key)));
            }
            m.appendTail(b);
            return b.toString();
        }
    }

    /** Keeps CloudFormation's short-form tags ({@code !Ref}, {@code !Sub} ...) as {@link Intrinsic}s. */
    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor() {
            super(new LoaderOptions());
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue();
                    Object arg = switch (node) {
                        case ScalarNode s -> constructScalar(s);
                        case SequenceNode s -> constructSequence(s);
                        case MappingNode m -> constructMapping(m);
                        default -> null;
                    };
                    return new Intrinsic(tag, arg);
                }
            });
        }
    }
}
