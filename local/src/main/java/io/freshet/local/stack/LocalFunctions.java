package io.freshet.local.stack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import com.fasterxml.jackson.databind.JsonNode;
import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.core.model.Source;
import io.freshet.rulessync.ConsumerRules;
import io.freshet.rulessync.DesiredRule;
import io.freshet.rulessync.RulesReconciler;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Running template.yaml's functions outside Lambda, the one way every stack on this machine does it (the
 * embedded one, and the LocalStack one of the integration test): the environment the template
 * gives a function with only endpoints, paths and credentials changed, the handler built through
 * its public {@code (Map<String, String> environment, Clock clock)} constructor, and invocations
 * as JSON bytes in and out.
 */
public final class LocalFunctions {

    private LocalFunctions() {
    }

    /** Where the services (embedded or LocalStack's) and the files of a stack on this machine are. */
    public record Endpoints(URI dynamodb, URI eventbridge, URI s3, String region, Path pipelines, Path stateDir) {
    }

    /** The function's template environment, pointed at the local services (and the local PostgreSQL when there is one). */
    public static Map<String, String> environment(TemplateWiring.LambdaFunction f, Endpoints at, Project project, LocalPostgres postgres) {
        Map<String, String> env = new LinkedHashMap<>(f.environment());
        env.put("FRESHET_ENDPOINT_DYNAMODB", at.dynamodb().toString());
        env.put("FRESHET_ENDPOINT_EVENTBRIDGE", at.eventbridge().toString());
        env.put("FRESHET_ENDPOINT_S3", at.s3().toString());
        env.put("FRESHET_PIPELINES_DIR", at.pipelines().toString());
        env.put("FRESHET_LOG_FILE", at.stateDir().resolve("logs").resolve("functions.jsonl").toString());
        env.put("FRESHET_SCRATCH_DIR", at.stateDir().resolve("scratch").toString());
        env.put("AWS_REGION", at.region());
        env.remove("FRESHET_PG_SECRET_ARN");
        if (postgres != null) {
            for (Source s : project.sources()) {
                if (s instanceof Source.Postgres pg) {
                    String p = "FRESHET_PG_" + pg.connection().toUpperCase(Locale.ROOT).replace('-', '_');
                    env.put(p + "_URL", postgres.jdbcUrl());
                    env.put(p + "_USER", postgres.user());
                    env.put(p + "_PASSWORD", postgres.password());
                }
            }
        }
        return env;
    }

    /**
     * The publisher's catalog (the function whose template environment names the lake database):
     * Iceberg's JDBC catalog in {@code postgres}, instead of the Glue Data Catalog.
     */
    public static void catalogIn(LocalPostgres postgres, Map<String, String> env) {
        if (env.containsKey("FRESHET_LAKE_DATABASE")) {
            env.put("FRESHET_CATALOG_URI", postgres.jdbcUrl());
            env.put("FRESHET_CATALOG_USER", postgres.user());
            env.put("FRESHET_CATALOG_PASSWORD", postgres.password());
        }
    }

    public static RequestStreamHandler build(TemplateWiring.LambdaFunction f, Map<String, String> env, Clock clock) {
        try {
            return (RequestStreamHandler) Class.forName(f.handlerClass()).getConstructor(Map.class, Clock.class).newInstance(env, clock);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("function " + f.logicalId() + " (" + f.handlerClass() + ") did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("function " + f.logicalId() + ": " + f.handlerClass()
                    + " needs a public constructor (Map<String, String> environment, Clock clock)", e);
        }
    }

    /** Invokes a handler the way the Lambda runtime does: JSON bytes in, JSON bytes out; a failure is the invocation's. */
    public static String invoke(RequestStreamHandler handler, String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** S3's EventBridge notifications: every object created or deleted in {@code s3} goes to the default bus, as the lake bucket's do. */
    public static void forwardObjectCreated(LocalS3 s3, EventBridgeClient events) {
        Consumer<String> forward = json -> {
            JsonNode e = EventJson.read(json);
            events.putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                    .eventBusName("default").source(e.path("source").asText()).detailType(e.path("detail-type").asText())
                    .detail(EventJson.write(e.path("detail"))).resources(e.path("resources").path(0).asText())
                    .time(Instant.parse(e.path("time").asText())).build()));
        };
        s3.onObjectCreated(forward);
        s3.onObjectDeleted(forward);
    }

    /** The rules template.yaml declares and the consumer rules rules-sync computes from pipelines/, on a local bus. */
    public static void createRules(EventBridgeClient events, TemplateWiring wiring, Project project,
                                   Function<String, String> arn) {
        for (TemplateWiring.Rule r : wiring.rules()) {
            events.putRule(b -> b.name(r.name()).eventBusName(r.bus()).eventPattern(r.pattern()));
            events.putTargets(b -> b.rule(r.name()).eventBusName(r.bus()).targets(t -> {
                t.id(r.function()).arn(arn.apply(r.function())).retryPolicy(p -> p.maximumRetryAttempts(r.maximumRetryAttempts()));
                r.inputPath().ifPresent(t::inputPath);
                r.deadLetterQueue().ifPresent(q -> t.deadLetterConfig(d -> d.arn(q)));
            }));
        }
        wiring.consumerRules().ifPresent(c -> new RulesReconciler(events, c.bus(), c.rulePrefix())
                .reconcile(ConsumerRules.compute(project, c.rulePrefix(), arn.apply(c.triggerFunction()),
                        c.deadLetterQueue().map(DesiredRule.Delivery::withDeadLetters)
                                .orElse(DesiredRule.Delivery.DEFAULT))));
    }
}
