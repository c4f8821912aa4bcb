package io.freshet.aws;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.freshet.core.location.StackParameters;
import io.freshet.core.settings.Setting;
import software.amazon.awssdk.regions.Region;

/**
 * The settings every function shares: those template.yaml's {@code Globals} give each function,
 * those Lambda itself sets, and those the local stack uses. Each function's own
 * {@code XxxSettings} adds its settings to these (docs/deploy.md, "Function settings", lists them
 * all). This class is also the one place that reads the process environment: handlers read
 * settings from the map they are built with.
 */
public final class CommonSettings {

    public static final Setting<String> TABLE = Setting.text("FRESHET_TABLE",
            "The DynamoDB state table: asset events, consumer state, runs, schedule state.");
    public static final Setting<String> BUS = Setting.text("FRESHET_BUS",
            "The EventBridge bus asset events and run requests go on.").withDefault("freshet");
    public static final Setting<String> LAKE_BUCKET = Setting.text("FRESHET_LAKE_BUCKET",
            "The lake bucket, `${LakeBucket}` in the pipelines.").optional();
    /**
     * Every value a location's {@code ${Name}} may take: template.yaml's Globals build it with
     * {@code !Sub} from each String parameter and the lake bucket. Read with {@link #stackParameters}.
     */
    public static final Setting<StackParameters> PARAMETERS = Setting.of("FRESHET_PARAMETERS",
            "a JSON object of strings such as {\"LakeBucket\":\"acme-lake\",\"Env\":\"dev\"}", StackParameters::parseJson,
            "The stack's parameters, `${Name}` in the pipelines' locations: every String parameter of template.yaml "
                    + "and LakeBucket (`FRESHET_LAKE_BUCKET`, when set, is LakeBucket).")
            .withDefault("{}", env -> StackParameters.of(Map.of()));
    public static final Setting<String> STACK = Setting.text("FRESHET_STACK",
            "The stack's name: the Stack dimension of metrics, the default OpenLineage namespace.")
            .withDefault("$FRESHET_BUS", BUS::read);
    public static final Setting<String> TASK_ROOT = Setting.text("LAMBDA_TASK_ROOT",
            "Where Lambda unpacked the function (Lambda sets it).").withDefault(".");
    public static final Setting<Path> PIPELINES_DIR = Setting.of("FRESHET_PIPELINES_DIR", "a directory", Path::of,
            "The pipelines the function runs by; packaged with the function.")
            .withDefault("$LAMBDA_TASK_ROOT/pipelines", env -> Path.of(TASK_ROOT.read(env) + "/pipelines"));
    public static final Setting<URI> DYNAMODB_ENDPOINT = Setting.uri("FRESHET_ENDPOINT_DYNAMODB",
            "Another DynamoDB than AWS's (LocalStack, the local stack).").optional();
    public static final Setting<URI> EVENTBRIDGE_ENDPOINT = Setting.uri("FRESHET_ENDPOINT_EVENTBRIDGE",
            "Another EventBridge than AWS's (LocalStack, the local stack).").optional();
    public static final Setting<URI> S3_ENDPOINT = Setting.uri("FRESHET_ENDPOINT_S3",
            "Another S3 than AWS's (LocalStack, the local stack).").optional();
    public static final Setting<Region> REGION = Setting.of("AWS_REGION", "an AWS region such as eu-central-1", s -> Region.of(s.trim()),
            "The region of the SDK clients (Lambda sets it).").withDefault(Region.of(AwsClients.DEFAULT_REGION));
    public static final Setting<Path> LOG_FILE = Setting.of("FRESHET_LOG_FILE", "a file path", Path::of,
            "Append the JSON log lines to this file instead of standard output (the local stack gathers them).").optional();
    public static final Setting<Boolean> PRIMING = Setting.of("FRESHET_PRIMING", "on or off", CommonSettings::onOff,
            "Whether the handler primes itself for SnapStart during init (off: `bench coldstart` compares).").withDefault("on", env -> true);
    public static final Setting<String> JAVA_TOOL_OPTIONS = Setting.text("JAVA_TOOL_OPTIONS",
            "JVM flags; read by the JVM itself as it starts, not by Freshet.").optional();

    /** In the order docs/deploy.md lists them. */
    public static final List<Setting<?>> ALL = List.of(TABLE, BUS, LAKE_BUCKET, PARAMETERS, STACK, PIPELINES_DIR, TASK_ROOT, DYNAMODB_ENDPOINT,
            EVENTBRIDGE_ENDPOINT, S3_ENDPOINT, REGION, LOG_FILE, PRIMING, JAVA_TOOL_OPTIONS);

    private CommonSettings() {
    }

    /** The stack's parameters: {@link #PARAMETERS}, with the lake bucket of {@link #LAKE_BUCKET} when that is set. */
    public static StackParameters stackParameters(Map<String, String> env) {
        StackParameters given = PARAMETERS.read(env);
        return LAKE_BUCKET.find(env).map(lake -> given.with(StackParameters.LAKE_BUCKET, lake)).orElse(given);
    }

    /** The process environment: what Lambda gives a function (its no-argument constructor's only source). */
    public static Map<String, String> processEnvironment() {
        return System.getenv();
    }

    private static boolean onOff(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("on or off");
        };
    }
}
