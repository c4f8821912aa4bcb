package io.freshet.local.demo;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.freshet.core.load.Project;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import software.amazon.awssdk.core.sync.RequestBody;

/** The demo on {@link EmbeddedStack}: everything in this JVM, no Docker, no AWS account. */
public final class EmbeddedDemoStack implements DemoStack {

    private final EmbeddedStack stack;

    private EmbeddedDemoStack(EmbeddedStack stack) {
        this.stack = stack;
    }

    static Factory factory(Path repository, Path stateDir) {
        return new Factory() {
            @Override
            public String kind() {
                return "an embedded stack (no Docker, no AWS account)";
            }

            @Override
            public DemoStack start(Clock clock) {
                return new EmbeddedDemoStack(EmbeddedStack.start(new EmbeddedStack.Options(repository, stateDir, clock, true)));
            }
        };
    }

    /** The stack itself, for what the demo story does not need (keeping it up for the other commands). */
    public EmbeddedStack embedded() {
        return stack;
    }

    @Override
    public String summary() {
        return "DynamoDB Local, S3 (S3Proxy), PostgreSQL, EventBridge in-process; functions "
                + String.join(", ", stack.wiring().functions().keySet()) + " from template.yaml; "
                + stack.bus().client().listRules(b -> b.eventBusName(stack.busName())).rules().size() + " rules on bus " + stack.busName();
    }

    @Override
    public Project project() {
        return stack.project();
    }

    @Override
    public StateStore store() {
        return stack.store();
    }

    @Override
    public ScheduleState schedulerStore() {
        return stack.schedulerStore();
    }

    @Override
    public void seedMetro(LocalDate day) {
        Demo.seedDatabase(stack.postgres(), day);
    }

    @Override
    public void updateMetro(String sql) {
        stack.postgres().execute(sql);
    }

    @Override
    public String lakeBucket() {
        return stack.lakeBucket();
    }

    @Override
    public void putObject(String key, String content) {
        stack.s3().client().putObject(b -> b.bucket(stack.lakeBucket()).key(key), RequestBody.fromString(content));
    }

    @Override
    public void tick() {
        stack.tick();
    }

    @Override
    public void settle(Duration timeout) {
        stack.settle(timeout);
    }

    @Override
    public List<String> busEvents() {
        return stack.bus().events(stack.busName());
    }

    @Override
    public Map<String, List<String>> deadLetters() {
        return stack.deadLetters();
    }

    @Override
    public void close() {
        stack.close();
    }
}
