package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class GoneConnectionTest {

    @Test
    void aPostToAGoneConnectionRemovesItsMapping() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        var runtime = Parley.runtime();
        // A mapping left behind by a connection whose $disconnect never ran (best effort on AWS).
        runtime.dynamo().putItem(put -> put.tableName(runtime.config().get(Setting.CONNECTIONS_TABLE)).item(Map.of(
                Tables.Connections.USER_ID, AttributeValue.fromS(bob),
                Tables.Connections.CONNECTION_ID, AttributeValue.fromS("stale0000000000="),
                Tables.Connections.DEVICE_ID, AttributeValue.fromS("old-phone"),
                Tables.Connections.CONNECTED_AT, AttributeValue.fromN("1"),
                Tables.Connections.LAST_ACTIVE_AT, AttributeValue.fromN("1"))));
        try (WsClient bobNow = Parley.connect(bob); WsClient a = Parley.connect(alice)) {
            assertThat(Stored.connectionsOf(bob)).hasSize(2);
            a.send(bob, "hello", "hi");
            bobNow.await(WsClient.messageIn(ConversationId.direct(alice, bob)));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Stored.connectionsOf(bob)).doesNotContain("stale0000000000="));
            assertThat(Stored.connectionsOf(bob)).hasSize(1);
        }
    }

    @Test
    void theConnectionsApiAnswers410ForUnknownIdsAndDescribesLiveOnes() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = Parley.runtime().connectionsUrl() + "/@connections/";
        HttpResponse<String> gone = http.send(HttpRequest.newBuilder(URI.create(base + "nobody000000000%3D"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.headers().firstValue("x-amzn-ErrorType")).contains("GoneException");

        String alice = Parley.user("alice");
        try (WsClient client = Parley.connect(alice)) {
            String connectionId = Stored.connectionsOf(alice).get(0);
            URI uri = URI.create(base + java.net.URLEncoder.encode(connectionId, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(info.statusCode()).isEqualTo(200);
            assertThat(info.body()).contains("connectedAt", "lastActiveAt", "sourceIp");

            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"custom\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(200);
            assertThat(client.await(f -> "custom".equals(f.path("type").asText()))).isNotNull();

            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(uri).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).isEqualTo(204);
            client.awaitClose();
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Stored.connectionsOf(alice)).isEmpty());
        }
    }
}
