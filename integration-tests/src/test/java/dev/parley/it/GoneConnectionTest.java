package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
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
        // ... and named in bob's live item, which fan-out reads, as the store records every connection.
        runtime.dynamo().putItem(put -> put.tableName(runtime.config().get(Setting.CONNECTIONS_TABLE)).item(Map.of(
                Tables.Connections.USER_ID, AttributeValue.fromS(bob),
                Tables.Connections.CONNECTION_ID, AttributeValue.fromS(Tables.Connections.LIVE_ITEM),
                Tables.Connections.LIVE_PREFIX + "stale0000000000=", AttributeValue.fromS("old-phone"))));
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
        try (ApiGatewayManagementApiClient connections = Parley.runtime().connectionsClient()) {
            GoneException gone = catchThrowableOfType(GoneException.class, () -> connections.postToConnection(
                    p -> p.connectionId("nobody000000000=").data(SdkBytes.fromUtf8String("{}"))));
            assertThat(gone.statusCode()).isEqualTo(410);

            String alice = Parley.user("alice");
            try (WsClient client = Parley.connect(alice)) {
                String connectionId = Stored.connectionsOf(alice).get(0);
                var info = connections.getConnection(g -> g.connectionId(connectionId));
                assertThat(info.connectedAt()).isNotNull();
                assertThat(info.lastActiveAt()).isNotNull();
                assertThat(info.identity().sourceIp()).isEqualTo("127.0.0.1");

                connections.postToConnection(p -> p.connectionId(connectionId)
                        .data(SdkBytes.fromUtf8String("{\"type\":\"custom\"}")));
                assertThat(client.await(f -> "custom".equals(f.path("type").asText()))).isNotNull();

                connections.deleteConnection(d -> d.connectionId(connectionId));
                client.awaitClose();
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(Stored.connectionsOf(alice)).isEmpty());
            }
        }
    }
}
