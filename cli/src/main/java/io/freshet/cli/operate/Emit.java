package io.freshet.cli.operate;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.core.model.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * {@code freshet emit ASSET [--partition P] --object s3://... [--metadata k=v]}: announces, as
 * another team's producer, that objects of a source were written: the documented event
 * {@code Asset Observed} (source {@code freshet.producer}) on the stack's bus, where the emit
 * function checks it against the source's {@code allowed_producers} and records each object once
 * (docs/producers.md); with {@code --url}, the same announcement as a SigV4-signed POST to the
 * function URL, whose answer says at once what was recorded or why not. {@code --bus-accounts} prints the stack parameter {@code AnnouncingAccounts}
 * the pipelines' {@code allowed_producers} call for.
 */
@Command(name = "emit", description = "Announce, as a producer, that objects of a source were written (Asset Observed on the stack's bus).")
public final class Emit extends StackCommand {

    /** The event's source and detail type, as the emit function reads them (functions/emit, Announcements). */
    public static final String SOURCE = "freshet.producer";
    public static final String DETAIL_TYPE = "Asset Observed";

    @Parameters(index = "0", arity = "0..1", description = "the source asset whose objects were written, e.g. landing.sales")
    Optional<String> asset;

    @Option(names = "--partition", description = "the partition the objects belong to (checked against each object's key)")
    Optional<String> partition;

    @Option(names = "--object", description = "an object written, s3://bucket/key (repeat for several)")
    List<String> objects = new ArrayList<>();

    @Option(names = "--metadata", description = "k=v to record with each object's event (repeat for several)")
    List<String> metadata = new ArrayList<>();

    @Option(names = "--url", description = "POST the announcement, signed (SigV4) with your AWS credentials, to the stack's "
            + "EmitUrl (a function URL) instead of putting it on the bus: checked per principal, answered at once")
    Optional<URI> url;

    @Option(names = "--bus-accounts", description = "print the AnnouncingAccounts stack parameter the pipelines' allowed_producers need, and stop")
    boolean busAccounts;

    public Emit(Clock clock) {
        super(clock);
    }

    @Override
    protected int run(Project project, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        if (busAccounts) {
            TreeSet<String> accounts = new TreeSet<>();
            project.sources().stream().filter(s -> s instanceof Source.S3).forEach(s -> accounts.addAll(((Source.S3) s).allowedProducers().accounts()));
            out.println(String.join(",", accounts));
            return 0;
        }
        String name = asset.orElseThrow(() -> new OperateException("name the source asset to announce, e.g. freshet emit landing.sales --object s3://..."));
        Source.S3 source = announceable(project, name);
        if (objects.isEmpty()) {
            throw new OperateException("give at least one --object s3://bucket/key");
        }
        ObjectNode detail = EventJson.MAPPER.createObjectNode().put("asset", source.name());
        partition.ifPresent(p -> detail.put("partition", p));
        objects.forEach(detail.putArray("objects")::add);
        ObjectNode meta = detail.putObject("metadata");
        parsedMetadata().forEach(meta::put);
        if (url.isPresent()) {
            return post(url.get(), detail, out, err);
        }
        StackTarget.Bus bus = target.bus();
        PutEventsResponse r = bus.client().putEvents(b -> b.entries(e -> e.eventBusName(bus.name()).source(SOURCE).detailType(DETAIL_TYPE)
                .detail(EventJson.write(detail))));
        if (r.failedEntryCount() > 0) {
            throw new OperateException("the bus refused the announcement: " + r.entries().get(0).errorCode() + " " + r.entries().get(0).errorMessage());
        }
        out.printf("announced %d object%s of %s on %s (event %s)%n", objects.size(), objects.size() == 1 ? "" : "s", source.name(),
                bus.description(), r.entries().get(0).eventId());
        out.println("the emit function checks and records it; a rejection goes to its dead-letter queue with the reason");
        return 0;
    }

    /** The signed HTTP entry point: its answer is the function's decision, printed as it is. */
    private int post(URI to, ObjectNode announcement, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        SignedPost.Response r = SignedPost.post(to, EventJson.write(announcement), target.regionName(), target.profile);
        if (r.status() == 200) {
            out.println(r.body());
            return 0;
        }
        err.println("refused (HTTP " + r.status() + "): " + r.body());
        return r.status() >= 400 && r.status() < 500 ? 2 : 1;
    }

    /** The checks that need only the pipelines, so that a mistake is told at once (the function checks everything again). */
    private static Source.S3 announceable(Project project, String name) {
        Source s = project.source(name).orElseThrow(() -> new OperateException("no source named '" + name + "' in the pipelines"));
        if (!(s instanceof Source.S3 s3)) {
            throw new OperateException("'" + name + "' is a PostgreSQL source: only S3 sources take announcements");
        }
        if (s3.allowedProducers().isEmpty()) {
            throw new OperateException("source '" + name + "' declares no allowed_producers: it accepts no announcements");
        }
        return s3;
    }

    private Map<String, String> parsedMetadata() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : metadata) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new OperateException("--metadata '" + kv + "' must be key=value");
            }
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }
}
