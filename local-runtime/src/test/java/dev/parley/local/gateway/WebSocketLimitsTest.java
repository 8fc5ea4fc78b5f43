package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.model.aws.AwsLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limits API Gateway enforces on a WebSocket connection, enforced by the local gateway the
 * same way (docs/local-runtime.md, "Behaviour against AWS", cites the quotas page for each).
 */
class WebSocketLimitsTest {
    private static final int KB = 1024;
    private GatewayHarness harness;

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private GatewayHarness start(GatewayLimits limits) throws Exception {
        harness = new GatewayHarness(new StubIntegrations()
                .route("echo", true, event -> "echo:" + event.getBody().length())
                .route("quiet", true, event -> null)
                .route("oneway", false, event -> "never sent")
                .route("huge", true, event -> "x".repeat(AwsLimits.WEBSOCKET_MESSAGE_BYTES + 1)), limits);
        return harness;
    }

    private GatewayHarness start() throws Exception {
        return start(GatewayLimits.DEFAULTS);
    }

    private static String echo(int bytes) {
        String head = "{\"action\":\"echo\",\"pad\":\"";
        return head + "x".repeat(bytes - head.length() - 2) + "\"}";
    }

    @Test
    void aSingleFrameOfThirtyTwoKibibytesIsDelivered() throws Exception {
        start();
        try (RawWebSocket raw = new RawWebSocket(harness.port(), "/?user=alice")) {
            raw.frame(RawWebSocket.TEXT, echo(AwsLimits.WEBSOCKET_FRAME_BYTES).getBytes(StandardCharsets.UTF_8));
            assertThat(raw.readText()).isEqualTo("echo:" + AwsLimits.WEBSOCKET_FRAME_BYTES);
        }
    }

    @Test
    void aSingleFrameOverThirtyTwoKibibytesClosesTheConnectionWith1009() throws Exception {
        start();
        try (RawWebSocket raw = new RawWebSocket(harness.port(), "/?user=alice")) {
            raw.frame(RawWebSocket.TEXT, echo(AwsLimits.WEBSOCKET_FRAME_BYTES + 1).getBytes(StandardCharsets.UTF_8));
            assertThat(raw.awaitCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    void aMessageOfUpToOneHundredTwentyEightKibibytesInSmallFramesIsDelivered() throws Exception {
        GatewayHarness.Client client = start().connect("alice");
        client.sendInFrames(echo(AwsLimits.WEBSOCKET_MESSAGE_BYTES), 16 * KB);
        await().until(() -> client.messages().contains("echo:" + AwsLimits.WEBSOCKET_MESSAGE_BYTES));
    }

    @Test
    void aMessageOverOneHundredTwentyEightKibibytesClosesTheConnectionWith1009() throws Exception {
        GatewayHarness.Client client = start().connect("alice");
        client.sendInFrames(echo(AwsLimits.WEBSOCKET_MESSAGE_BYTES + 1), 16 * KB);
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        assertThat(client.messages()).isEmpty();
    }

    @Test
    void aBinaryFrameClosesTheConnectionWith1003() throws Exception {
        GatewayHarness.Client client = start().connect("alice");
        client.sendBinary(new byte[] {1, 2, 3});
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
    }

    @Test
    void aTwoWayRouteWhoseIntegrationAnswersNoBodySendsAnEmptyFrame() throws Exception {
        GatewayHarness.Client client = start().connect("alice");
        client.send("{\"action\":\"quiet\"}");
        client.send("{\"action\":\"echo\"}");
        await().until(() -> client.messages().size() == 2);
        assertThat(client.messages()).containsExactlyInAnyOrder("", "echo:17");
    }

    @Test
    void aOneWayRouteSendsNothingBack() throws Exception {
        GatewayHarness.Client client = start().connect("alice");
        client.send("{\"action\":\"oneway\"}");
        client.send("{\"action\":\"echo\"}");
        await().until(() -> client.messages().contains("echo:17"));
        assertThat(client.messages()).containsExactly("echo:17");
    }

    @Test
    void aRouteResponseOverOneHundredTwentyEightKibibytesIsNotDeliveredAndTheConnectionStaysUsable() throws Exception {
        GatewayHarness.Client client = start().connect("alice");
        client.send("{\"action\":\"huge\"}");
        client.send("{\"action\":\"echo\"}");
        await().until(() -> client.messages().contains("echo:17"));
        assertThat(client.messages()).containsExactly("echo:17");
        assertThat(client.closed).isNotDone();
        assertThat(harness.gateway.oversizedReplies()).isEqualTo(1);
    }

    @Test
    void framesWithoutARouteGoToDefault() throws Exception {
        GatewayHarness.Client client = start().connect("alice");
        client.send("not json");
        await().until(() -> client.messages().contains("default:not json"));
    }

    @Test
    void aConnectionWithoutTrafficIsClosedAfterTheIdleTimeout() throws Exception {
        GatewayHarness.Client client = start(new GatewayLimits(10, 10, Duration.ofMillis(500), Duration.ofHours(2), 32, 4))
                .connect("alice");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        await().until(() -> harness.gateway.connectionCount() == 0);
    }

    @Test
    void aBusyConnectionIsClosedAtTheMaximumDuration() throws Exception {
        GatewayHarness.Client client = start(new GatewayLimits(10, 10, Duration.ofMinutes(10), Duration.ofSeconds(1), 32, 4))
                .connect("alice");
        while (!client.closed.isDone()) {
            int answered = client.messages().size();
            try {
                client.send("{\"action\":\"echo\"}"); // traffic does not extend the connection's life
            } catch (RuntimeException closedMeanwhile) {
                break;
            }
            await().until(() -> client.messages().size() > answered || client.closed.isDone());
        }
        assertThat(client.closed.get()).isEqualTo(1001);
    }
}
