package io.freshet.cli.operate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;

/**
 * Where a running embedded stack ({@code freshet up}) can be reached: its table, bus and lake bucket
 * and the endpoints of its DynamoDB, EventBridge and S3. {@code up} writes it; the operating
 * commands ({@code materialize}, {@code backfill}, {@code status} ...) read it with {@code --local}.
 */
public record EmbeddedStackFile(String table, String bus, String lakeBucket, URI dynamodb, URI eventbridge, URI s3) {

    // The file keeps its name, local-stack.json (and put and the operating commands their
    // --local-stack option), from before the embedded stack had that name: scripts, and stacks
    // started by an earlier build, find it where they did.
    public static final Path DEFAULT = Path.of(".freshet", "local-stack.json");

    public static EmbeddedStackFile read(Path file) {
        if (!Files.exists(file)) {
            throw new OperateException("no local stack is running (" + file + " is missing): start one with 'local/freshet up'");
        }
        try {
            JsonNode n = EventJson.read(Files.readString(file));
            return new EmbeddedStackFile(EventJson.text(n, "table"), EventJson.text(n, "bus"), EventJson.text(n, "lakeBucket"),
                    URI.create(EventJson.text(n.path("endpoints"), "dynamodb")), URI.create(EventJson.text(n.path("endpoints"), "eventbridge")),
                    URI.create(EventJson.text(n.path("endpoints"), "s3")));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        } catch (RuntimeException e) {
            throw new OperateException(file + " is not a local stack description: " + e.getMessage());
        }
    }

    public void write(Path file) {
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        n.put("table", table);
        n.put("bus", bus);
        n.put("lakeBucket", lakeBucket);
        ObjectNode e = n.putObject("endpoints");
        e.put("dynamodb", dynamodb.toString());
        e.put("eventbridge", eventbridge.toString());
        e.put("s3", s3.toString());
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, EventJson.write(n) + "\n");
        } catch (IOException ex) {
            throw new UncheckedIOException("writing " + file, ex);
        }
    }
}
