package io.freshet.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.location.StackParameters;
import io.freshet.core.load.ProjectLoader;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.core.sync.RequestBody;

/** Both ways in, in the shapes AWS delivers them: a function URL request (payload 2.0, IAM authorizer) and a bus event. */
class EmitHandlerTest {

    private static LocalDynamo dynamo;
    private static LocalS3 s3;
    private static EmitHandler handler;
    private static DynamoStateStore store;
    private static final List<String> ANNOUNCED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        s3.createBucket("lake");
        s3.enableVersioning("lake");
        s3.client().putObject(b -> b.bucket("lake").key(EmitServiceTest.KEY), RequestBody.fromString("id\n1\n"));
        String table = "t-" + UUID.randomUUID();
        DynamoStateStore.createTable(dynamo.client(), table);
        store = new DynamoStateStore(dynamo.client(), table, Clock.systemUTC());
        Path dir = Files.createTempDirectory("emit-handler");
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  raw.sales:
                    s3: s3://${LakeBucket}/landing/sales/date={date}/
                    allowed_producers: [%s]
                """.formatted(EmitServiceTest.SALES));
        JsonLog quiet = new JsonLog(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), Map.of());
        handler = new EmitHandler(new EmitService(ProjectLoader.load(dir).orThrow(), StackParameters.lakeBucket("lake"),
                new ObjectHeads(s3.client()), store, (type, json) -> ANNOUNCED.add(json), quiet), quiet);
    }

    @AfterAll
    static void stop() {
        s3.close();
        dynamo.close();
    }

    static String functionUrlRequest(String method, String callerArn, String body, boolean base64) {
        String encoded = base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body;
        String iam = callerArn == null ? "" : """
                ,"authorizer":{"iam":{"accessKey":"ASIAEXAMPLE","accountId":"123456789012","callerId":"AROAEXAMPLE:nightly",
                  "userArn":"%s","userId":"AROAEXAMPLE:nightly"}}""".formatted(callerArn);
        return """
                {"version":"2.0","routeKey":"$default","rawPath":"/","rawQueryString":"","headers":{"content-type":"application/json"},
                 "requestContext":{"accountId":"anonymous","apiId":"abc","domainName":"abc.lambda-url.eu-central-1.on.aws",
                   "http":{"method":"%s","path":"/","protocol":"HTTP/1.1","sourceIp":"1.2.3.4","userAgent":"curl"},
                   "requestId":"r1","routeKey":"$default","stage":"$default","time":"20/Nov/2026:08:00:00 +0000","timeEpoch":1763625600000%s},
                 "body":%s,"isBase64Encoded":%s}
                """.formatted(method, iam, EventJson.MAPPER.valueToTree(encoded).toString(), base64);
    }

    static JsonNode invoke(String json) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
        return EventJson.read(out.toString(StandardCharsets.UTF_8));
    }

    static final String BODY = """
            {"asset":"raw.sales","partition":"2026-11-20","objects":["%s"],"metadata":{"rows":3}}""".formatted(EmitServiceTest.OBJECT);

    @Test
    void aSignedPostIsAcceptedAndAnsweredWithItsEvents() throws IOException {
        JsonNode response = invoke(functionUrlRequest("POST", EmitServiceTest.SESSION, BODY, true));
        assertEquals(200, response.path("statusCode").asInt(), response.toString());
        JsonNode body = EventJson.read(response.path("body").asText());
        assertEquals(EmitServiceTest.OBJECT, body.path("events").path(0).path("object").asText());
        assertEquals(1, store.events().history("raw.sales", "2026-11-20").size());
        assertEquals(1, ANNOUNCED.size());
    }

    @Test
    void rejectionsAre4xxWithTheReasonAsJson() throws IOException {
        JsonNode stranger = invoke(functionUrlRequest("POST", EmitServiceTest.STRANGER, BODY, false));
        assertEquals(403, stranger.path("statusCode").asInt());
        assertTrue(EventJson.read(stranger.path("body").asText()).path("error").asText().contains("not among the allowed_producers"));
        assertEquals(403, invoke(functionUrlRequest("POST", null, BODY, false)).path("statusCode").asInt(), "unsigned");
        assertEquals(405, invoke(functionUrlRequest("GET", EmitServiceTest.SALES, "", false)).path("statusCode").asInt());
        assertEquals(400, invoke(functionUrlRequest("POST", EmitServiceTest.SALES, "{not json", false)).path("statusCode").asInt());
        assertEquals(400, invoke(functionUrlRequest("POST", EmitServiceTest.SALES, "{\"asset\":\"raw.sales\",\"objects\":[],\"x\":1}", false))
                .path("statusCode").asInt());
    }

    @Test
    void aRejectedBusEventFailsWithItsReasonForTheDeadLetterQueue() {
        String event = """
                {"version":"0","id":"e1","detail-type":"Asset Observed","source":"freshet.producer","account":"999999999999",
                 "time":"2026-11-20T08:00:00Z","region":"eu-central-1","resources":[],"detail":%s}""".formatted(BODY);
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> invoke(event));
        assertTrue(e.getMessage().contains("account 999999999999 is not among the allowed_producers of 'raw.sales'"), e.getMessage());
    }
}
