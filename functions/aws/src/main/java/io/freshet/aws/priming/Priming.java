package io.freshet.aws.priming;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.freshet.aws.CommonSettings;
import io.freshet.aws.AwsClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Priming for SnapStart: during init, a function sends one sample event through its whole path
 * (parsing, the store, announcing, logging) with SDK clients that answer every request
 * themselves, so nothing leaves the process. What remains is the classes it loaded and
 * initialized, which the snapshot keeps: the first invocation after a restore does not load them
 * (docs/performance.md, "Cold start"). {@code FRESHET_PRIMING=off} skips it.
 */
public final class Priming {

    private Priming() {
    }

    /** One priming pass of a function; it may fail (tests call it directly to see that it reaches the end). */
    @FunctionalInterface
    public interface Pass {
        void run() throws IOException;
    }

    /** Runs a pass unless priming is off; a failure only ends the priming, whatever it did not reach the first invocation loads. */
    public static void prime(Map<String, String> env, Pass pass) {
        if (!CommonSettings.PRIMING.read(env)) {
            return;
        }
        try {
            pass.run();
        } catch (RuntimeException | IOException e) {
            // an optimization, never a reason not to start
        }
    }

    /** A log that writes nothing: priming must not look like work in the function's logs. */
    public static JsonLog quietLog(String function, Clock clock) {
        return new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of("function", function));
    }

    /** A DynamoDB client whose every request is answered {@code {}} (nothing found, every write accepted), here. */
    public static DynamoDbClient dynamo(Map<String, String> env) {
        return dynamo(env, body -> "{}");
    }

    /** A DynamoDB client whose every request is answered here, with what {@code answer} makes of its body (JSON 1.0). */
    public static DynamoDbClient dynamo(Map<String, String> env, UnaryOperator<String> answer) {
        return DynamoDbClient.builder().httpClient(new Answering(answer))
                .region(AwsClients.region(env)).credentialsProvider(credentials()).build();
    }

    /** An EventBridge client that accepts every PutEvents entry, here. */
    public static EventBridgeClient events(Map<String, String> env) {
        return EventBridgeClient.builder().httpClient(new Answering(Priming::putEventsAccepted))
                .region(AwsClients.region(env)).credentialsProvider(credentials()).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
    }

    /** PutEvents' answer: every entry accepted. */
    static String putEventsAccepted(String request) {
        int n = EventJson.read(request).path("Entries").size();
        return "{\"FailedEntryCount\":0,\"Entries\":[" + "{\"EventId\":\"priming\"},".repeat(n).replaceFirst(",$", "") + "]}";
    }

    /** An SDK HTTP client that connects nowhere: every request is answered here, 200 with what {@code answer} makes of its body. */
    private record Answering(UnaryOperator<String> answer) implements SdkHttpClient {

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    String body = "";
                    if (request.contentStreamProvider().isPresent()) {
                        try (InputStream in = request.contentStreamProvider().get().newStream()) {
                            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        }
                    }
                    byte[] out = answer.apply(body).getBytes(StandardCharsets.UTF_8);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200).putHeader("Content-Length", Integer.toString(out.length)).build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(out))).build();
                }

                @Override
                public void abort() {
                    // answered at once: nothing to abort
                }
            };
        }

        @Override
        public void close() {
            // no connections
        }
    }
}
