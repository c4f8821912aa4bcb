package io.freshet.aws;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.json.EventJson;
import io.freshet.state.protocol.ProtocolLog;

/**
 * One JSON object per log line, as CloudWatch Logs Insights reads best: time, level, message and
 * context fields (run id, pipeline, asset, partition). Never pass credentials in fields.
 */
public final class JsonLog implements ProtocolLog {

    private final PrintStream out;
    private final Clock clock;
    private final Map<String, String> context;

    public JsonLog(PrintStream out, Clock clock, Map<String, String> context) {
        this.out = out;
        this.clock = clock;
        this.context = Map.copyOf(context);
    }

    public static JsonLog stdout(String function) {
        return new JsonLog(System.out, Clock.systemUTC(), Map.of("function", function));
    }

    private static final Map<String, PrintStream> FILES = new ConcurrentHashMap<>();

    /**
     * A function's log: standard output (what Lambda sends to CloudWatch Logs), or the file
     * {@code FRESHET_LOG_FILE} names when set (the local stack gathers every function's lines there).
     */
    public static JsonLog forFunction(String function, Map<String, String> env, Clock clock) {
        String file = CommonSettings.LOG_FILE.find(env).map(Object::toString).orElse(null);
        if (file == null) {
            return new JsonLog(System.out, clock, Map.of("function", function));
        }
        PrintStream out = FILES.computeIfAbsent(file, f -> {
            try {
                Path path = Path.of(f);
                if (path.getParent() != null) {
                    Files.createDirectories(path.getParent());
                }
                return new PrintStream(new FileOutputStream(f, true), true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("opening the log file " + f, e);
            }
        });
        return new JsonLog(out, clock, Map.of("function", function));
    }

    @Override
    public void info(String message, Map<String, ?> fields) {
        write("INFO", message, fields);
    }

    public void warn(String message, Map<String, ?> fields) {
        write("WARN", message, fields);
    }

    public void error(String message, Map<String, ?> fields) {
        write("ERROR", message, fields);
    }

    /**
     * A CloudWatch metric in embedded metric format: a log line CloudWatch turns into a metric
     * value, with no PutMetricData call (and no permission for one).
     */
    public void metric(String namespace, String name, double value, String unit, Map<String, String> dimensions) {
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        ObjectNode aws = n.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        var dimensionSet = directive.putArray("Dimensions").addArray();
        new TreeMap<>(dimensions).keySet().forEach(dimensionSet::add);
        ObjectNode metric = directive.putArray("Metrics").addObject();
        metric.put("Name", name);
        metric.put("Unit", unit);
        new TreeMap<>(dimensions).forEach(n::put);
        n.put(name, value);
        n.put("time", clock.instant().toString());
        n.put("level", "INFO");
        n.put("message", "metric " + name);
        context.forEach(n::put);
        String line = EventJson.write(n);
        synchronized (out) {
            out.println(line);
        }
    }

    private void write(String level, String message, Map<String, ?> fields) {
        ObjectNode n = EventJson.MAPPER.createObjectNode();
        n.put("time", clock.instant().toString());
        n.put("level", level);
        n.put("message", message);
        context.forEach(n::put);
        new TreeMap<>(fields).forEach((k, v) -> n.set(k, EventJson.MAPPER.valueToTree(v)));
        String line = EventJson.write(n);
        synchronized (out) {
            out.println(line);
        }
    }
}
