package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.model.aws.AwsLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code @connections} API as the AWS SDK sees it: statuses and error types as API Gateway answers. */
class ConnectionsApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private GatewayHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new GatewayHarness(new StubIntegrations().route("whoami", true,
                event -> event.getRequestContext().getConnectionId()));
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private String connectionIdOf(GatewayHarness.Client client) {
        client.send("{\"action\":\"whoami\"}");
        await().until(() -> !client.messages().isEmpty());
        return client.messages().get(0);
    }

    private HttpResponse<String> call(String method, String connectionId, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(harness.httpBase() + "/@connections/" + connectionId))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPostReachesTheClient() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        assertThat(call("POST", id, "hello").statusCode()).isEqualTo(200);
        await().until(() -> client.messages().contains("hello"));
    }

    @Test
    void aPostOfOneHundredTwentyEightKibibytesIsDeliveredAndOneByteMoreIsPayloadTooLarge() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        assertThat(call("POST", id, "x".repeat(AwsLimits.WEBSOCKET_MESSAGE_BYTES)).statusCode()).isEqualTo(200);

        HttpResponse<String> tooLarge = call("POST", id, "y".repeat(AwsLimits.WEBSOCKET_MESSAGE_BYTES + 1));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("x-amzn-ErrorType")).contains("PayloadTooLargeException");
        await().until(() -> client.messages().size() == 2);
        assertThat(client.messages().get(1)).hasSize(AwsLimits.WEBSOCKET_MESSAGE_BYTES);
    }

    @Test
    void anUnknownConnectionIsGone() throws Exception {
        HttpResponse<String> gone = call("POST", "AAAAAAAAAAAAAAA=", "hello");
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.headers().firstValue("x-amzn-ErrorType")).contains("GoneException");
        assertThat(call("GET", "AAAAAAAAAAAAAAA=", null).statusCode()).isEqualTo(410);
        assertThat(call("DELETE", "AAAAAAAAAAAAAAA=", null).statusCode()).isEqualTo(410);
    }

    @Test
    void getDescribesAndDeleteClosesTheConnection() throws Exception {
        GatewayHarness.Client client = harness.connect("alice");
        String id = connectionIdOf(client);
        HttpResponse<String> described = call("GET", id, null);
        assertThat(described.statusCode()).isEqualTo(200);
        assertThat(described.body()).contains("\"connectedAt\"", "\"sourceIp\":\"127.0.0.1\"");
        assertThat(call("DELETE", id, null).statusCode()).isEqualTo(204);
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        await().until(() -> call("POST", id, "late").statusCode() == 410);
    }
}
