package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What API Gateway hands a client that the client may read: connection ids and the failed-integration frame. */
class ApiGatewayShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private GatewayHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new GatewayHarness(new StubIntegrations()
                .route("whoami", true, event -> event.getRequestContext().getConnectionId())
                .route("broken", true, event -> {
                    throw new IllegalStateException("the function failed");
                }));
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void connectionIdsAreSixteenCharactersOfBase64EndingInEqualsAndUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            GatewayHarness.Client client = harness.connect("user" + i);
            client.send("{\"action\":\"whoami\"}");
            await().until(() -> !client.messages().isEmpty());
            String id = client.messages().get(0);
            assertThat(id).matches("[A-Za-z0-9_-]{15}=");
            ids.add(id);
            client.close();
        }
        assertThat(ids).hasSize(20);
    }

    @Test
    void aFailingIntegrationAnswersInternalServerErrorWithTheConnectionIdAndTheConnectionStaysOpen() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        client.send("{\"action\":\"whoami\"}");
        await().until(() -> client.messages().size() == 1);
        String connectionId = client.messages().get(0);

        client.send("{\"action\":\"broken\",\"requestId\":\"r1\"}");
        await().until(() -> client.messages().size() == 2);
        JsonNode failure = JSON.readTree(client.messages().get(1));
        assertThat(failure.path("message").asText()).isEqualTo("Internal server error");
        assertThat(failure.path("connectionId").asText()).isEqualTo(connectionId);
        assertThat(failure.path("requestId").asText()).as("API Gateway's request id, not the client's").isNotBlank()
                .isNotEqualTo("r1");
        assertThat(failure.has("type")).isFalse();

        client.send("{\"action\":\"whoami\"}");
        await().until(() -> client.messages().size() == 3);
        assertThat(client.messages().get(2)).isEqualTo(connectionId);
    }
}
