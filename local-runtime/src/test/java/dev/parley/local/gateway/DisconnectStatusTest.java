package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The close's status and reason in the {@code $disconnect} event ({@code disconnectStatusCode},
 * {@code disconnectReason}), as API Gateway reports them: what the presence code tells a sign-out
 * (1000 from the client) from a drop by.
 */
class DisconnectStatusTest {
    private GatewayHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new GatewayHarness(new StubIntegrations().route("whoami", true, event -> event.getRequestContext().getConnectionId()));
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private String idOf(GatewayHarness.Client client) {
        client.send("{\"action\":\"whoami\"}");
        await().until(() -> !client.messages().isEmpty());
        return client.messages().get(0);
    }

    private StubIntegrations.Disconnect disconnectOf(String connectionId) {
        return await().until(() -> harness.functions.disconnects.stream()
                .filter(d -> d.connectionId().equals(connectionId)).findFirst().orElse(null), d -> d != null);
    }

    @Test
    void aClientsNormalClosureIsReportedWithItsStatusAndReason() {
        GatewayHarness.Client client = harness.connect("alice");
        String id = idOf(client);
        client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        StubIntegrations.Disconnect disconnect = disconnectOf(id);
        assertThat(disconnect.statusCode()).isEqualTo(1000);
        assertThat(disconnect.reason()).isEqualTo("Client-side close frame status code '1000' (NORMAL_CLOSURE) - custom reason: bye");
    }

    @Test
    void aConnectionDroppedWithoutACloseFrameIsReportedAs1006() {
        GatewayHarness.Client client = harness.connect("bob");
        String id = idOf(client);
        client.socket.abort();
        assertThat(disconnectOf(id).statusCode()).isEqualTo(1006);
    }

    @Test
    void aCloseTheGatewayStartedCarriesTheGatewaysStatusAndReason() throws Exception {
        GatewayHarness.Client client = harness.connect("carol");
        String id = idOf(client);
        harness.gateway.disconnect(id); // what DELETE @connections does
        StubIntegrations.Disconnect disconnect = disconnectOf(id);
        assertThat(disconnect.statusCode()).isEqualTo(1000);
        assertThat(disconnect.reason()).isEqualTo("Going away");
    }
}
