package io.freshet.aws.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

class EventBridgeClientsTest {

    @Test
    void withAnEndpointOverrideTheClientTalksToTheLocalServer() {
        try (LocalEventBridge eventBridge = LocalEventBridge.start();
             EventBridgeClient client = EventBridgeClients.create(Optional.of(eventBridge.endpoint()))) {
            client.putRule(r -> r.eventBusName("freshet").name("r").eventPattern("{\"source\":[\"freshet\"]}"));
            assertEquals("r", client.describeRule(r -> r.eventBusName("freshet").name("r")).name());
            new EventPublisher(client, "freshet").publish(List.of(new EventPublisher.OutgoingEvent("Asset Updated", "{}")));
            assertEquals(1, eventBridge.events("freshet").size());
        }
    }

    @Test
    void theRegionComesFromAwsRegionWithEuCentral1AsDefault() {
        assertEquals(Region.EU_CENTRAL_1, EventBridgeClients.region(Map.of()));
        assertEquals(Region.EU_CENTRAL_1, EventBridgeClients.region(Map.of("AWS_REGION", " ")));
        assertEquals(Region.US_WEST_2, EventBridgeClients.region(Map.of("AWS_REGION", "us-west-2")));
        try (EventBridgeClient client = EventBridgeClients.create(Optional.empty(), Map.of("AWS_REGION", "eu-west-1"))) {
            assertEquals(Region.EU_WEST_1, client.serviceClientConfiguration().region());
        }
    }
}
