package io.freshet.rulessync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class CustomResourceResponseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ReconcileReport REPORT = new ReconcileReport(List.of("a", "b"), List.of("c"), List.of(), List.of("d"));

    private static CustomResourceResponse response(String reason) {
        return new CustomResourceResponse("FAILED", reason, "freshet-rules-bus-freshet",
                "arn:aws:cloudformation:eu-central-1:123456789012:stack/freshet/0b7c5f10", "req-1", "ConsumerRules", REPORT);
    }

    @Test
    void theBodyHasEveryFieldCloudFormationReads() throws Exception {
        JsonNode body = JSON.readTree(response("it broke").toJson());
        assertEquals("FAILED", body.get("Status").asText());
        assertEquals("it broke", body.get("Reason").asText());
        assertEquals("freshet-rules-bus-freshet", body.get("PhysicalResourceId").asText());
        assertEquals("req-1", body.get("RequestId").asText());
        assertEquals("ConsumerRules", body.get("LogicalResourceId").asText());
        assertTrue(body.get("StackId").asText().startsWith("arn:aws:cloudformation:"));
        assertEquals(2, body.get("Data").get("Created").asInt());
        assertEquals(1, body.get("Data").get("Updated").asInt());
        assertEquals(0, body.get("Data").get("Deleted").asInt());
    }

    @Test
    void aLongReasonIsCutSoTheBodyFitsIn4KB() throws Exception {
        String reason = "pipelines/core_trips.yaml:4:5: unknown input asset 'landing.tap'\n".repeat(200);
        String json = response(reason).toJson();
        assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= 4096, "" + json.length());
        assertTrue(json.getBytes(StandardCharsets.UTF_8).length > 4000, "cut no more than needed");
        String cut = JSON.readTree(json).get("Reason").asText();
        assertTrue(reason.startsWith(cut.substring(0, cut.length() - " [...]".length())));
        assertTrue(cut.endsWith(" [...]"));
    }

    @Test
    void escapedAndMultiByteCharactersStillFit() throws Exception {
        String reason = "\"\u0001čř😀\\".repeat(2000);
        String json = response(reason).toJson();
        assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= 4096);
        JSON.readTree(json); // still valid JSON, no split surrogate pair
        assertTrue(!JSON.readTree(json).get("Reason").asText().contains("\uFFFD"));
    }
}
