package io.freshet.cli.operate;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.AwsClients;
import io.freshet.aws.CommonSettings;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.RunLauncher;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Which stack a command operates: a deployed one (its StackPrefix, with an AWS profile and
 * region), or the local one that {@code freshet up} started. A deployed stack's table and bus are
 * named after its prefix ({@code <prefix>-state}, {@code <prefix>}), as template.yaml names them.
 */
public final class StackTarget {

    @Option(names = "--local", description = "operate the local stack started by 'freshet up'")
    boolean local;

    @Option(names = "--local-stack", description = "where 'freshet up' described the local stack (default: ${DEFAULT-VALUE})",
            defaultValue = ".freshet/local-stack.json")
    Path localStackFile;

    @Option(names = "--stack", defaultValue = "freshet",
            description = "the deployed stack's StackPrefix parameter (default: ${DEFAULT-VALUE})")
    String stackPrefix;

    @Option(names = "--profile", description = "the AWS profile (default: the SDK's default chain)")
    Optional<String> profile;

    @Option(names = "--region", description = "the AWS region (default: AWS_REGION, else " + AwsClients.DEFAULT_REGION + ")")
    Optional<String> region;

    /**
     * The store and run path of the target stack, as the functions themselves see them, and its
     * StackPrefix (what the namespace of its lake tables is named after).
     */
    public record Connection(String description, String stackPrefix, StateStore store, RunLauncher launcher) {

        public ScheduleState schedulerStore() {
            return store.schedule();
        }
    }

    /** The target stack's bus, for commands that put events on it ({@code freshet emit}). */
    public record Bus(EventBridgeClient client, String name, String description) {
    }

    /** The region the target's clients use: --region, else the SDK's (AWS_REGION), else the default. */
    String regionName() {
        Map<String, String> env = new HashMap<>(CommonSettings.processEnvironment());
        region.ifPresent(r -> env.put("AWS_REGION", r));
        return AwsClients.region(env).id();
    }

    public Bus bus() {
        Map<String, String> env = new HashMap<>(CommonSettings.processEnvironment());
        region.ifPresent(r -> env.put("AWS_REGION", r));
        profile.ifPresent(p -> System.setProperty("aws.profile", p));
        if (local || !localStackFile.equals(EmbeddedStackFile.DEFAULT)) {
            EmbeddedStackFile f = EmbeddedStackFile.read(localStackFile);
            return new Bus(AwsClients.build(EventBridgeClient.builder(), Optional.of(f.eventbridge()), env), f.bus(),
                    "the local stack's bus " + f.bus());
        }
        return new Bus(AwsClients.build(EventBridgeClient.builder(), Optional.empty(), env), stackPrefix,
                "bus '" + stackPrefix + "' in " + AwsClients.region(env) + profile.map(p -> " (profile " + p + ")").orElse(""));
    }

    public Connection connect(Clock clock, JsonLog log) {
        Map<String, String> env = new HashMap<>(CommonSettings.processEnvironment());
        region.ifPresent(r -> env.put("AWS_REGION", r));
        profile.ifPresent(p -> System.setProperty("aws.profile", p));
        String table;
        String bus;
        Optional<URI> dynamoEndpoint = Optional.empty();
        Optional<URI> eventsEndpoint = Optional.empty();
        String description;
        String prefix;
        if (local || !localStackFile.equals(EmbeddedStackFile.DEFAULT)) {
            EmbeddedStackFile f = EmbeddedStackFile.read(localStackFile);
            table = f.table();
            bus = f.bus();
            dynamoEndpoint = Optional.of(f.dynamodb());
            eventsEndpoint = Optional.of(f.eventbridge());
            description = "the local stack (" + f.dynamodb() + ")";
            prefix = f.bus(); // the embedded stack names its bus, as template.yaml does, after the prefix
        } else {
            table = stackPrefix + "-state";
            bus = stackPrefix;
            prefix = stackPrefix;
            description = "stack '" + stackPrefix + "' in " + AwsClients.region(env) + profile.map(p -> " (profile " + p + ")").orElse("");
        }
        DynamoDbClient db = AwsClients.build(DynamoDbClient.builder(), dynamoEndpoint, env);
        EventBridgeClient events = AwsClients.build(EventBridgeClient.builder(), eventsEndpoint, env);
        StateStore store = new DynamoStateStore(db, table, clock);
        PublishingAnnouncer announcer = new PublishingAnnouncer(new EventPublisher(events, bus));
        return new Connection(description, prefix, store, new RunLauncher(store, announcer, log, clock));
    }
}
