package io.freshet.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runner's handler in a JVM of its own, as Lambda runs it: built by its no-argument
 * constructor from the process environment, invoked with each event file in turn; prints each
 * response on a line of its own.
 */
public final class RunnerHandlerMain {

    private RunnerHandlerMain() {
    }

    public static void main(String[] eventFiles) throws IOException {
        RunnerHandler handler = new RunnerHandler();
        for (String file : eventFiles) {
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                handler.handleRequest(in, response, null);
            }
            System.out.println(response.toString(StandardCharsets.UTF_8));
        }
        System.out.flush();
        System.exit(0); // the SDK's HTTP clients may leave threads behind
    }
}
