package dev.parley.functions.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.functions.support.Fixtures;
import dev.parley.functions.support.TestDynamo;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.service.Broadcaster;
import dev.parley.functions.service.Budget;
import dev.parley.functions.service.ConversationAccess;
import dev.parley.functions.service.Poster;
import dev.parley.functions.service.ConnectionService;
import dev.parley.functions.presence.PresenceQueue;
import dev.parley.functions.service.PresenceService;
import dev.parley.functions.store.dynamodb.DynamoConnectionStore;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.functions.store.dynamodb.DynamoPresenceStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** $connect, heartbeat and $disconnect on the connections table, from real event payloads. */
class ConnectionLifecycleTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    /** Offline checks the presence service asked for (the SQS queue on AWS). */
    private final List<String> scheduledChecks = new CopyOnWriteArrayList<>();
    private final ConnectionService connections = new ConnectionService(
            new DynamoConnectionStore(TestDynamo.client(), TestDynamo.table(Setting.CONNECTIONS_TABLE)),
            new PresenceService(
                    new DynamoConnectionStore(TestDynamo.client(), TestDynamo.table(Setting.CONNECTIONS_TABLE)),
                    new ConversationAccess(new DynamoConversationStore(TestDynamo.client(), TestDynamo.table(Setting.CONVERSATIONS_TABLE))),
                    new DynamoPresenceStore(TestDynamo.client(), TestDynamo.table(Setting.PRESENCE_TABLE)),
                    new Broadcaster(new DynamoConnectionStore(TestDynamo.client(), TestDynamo.table(Setting.CONNECTIONS_TABLE)),
                            new Poster(new DynamoConnectionStore(TestDynamo.client(), TestDynamo.table(Setting.CONNECTIONS_TABLE)),
                                    () -> (connectionId, frame) -> ConnectionPusher.Outcome.DELIVERED),
                            Executors.newFixedThreadPool(2)),
                    () -> new PresenceQueue() {
                        @Override
                        public void checkOffline(String userId, Duration delay) {
                            scheduledChecks.add(userId + " after " + delay.toSeconds() + "s");
                        }

                        @Override
                        public void publish(String userId) {
                            scheduledChecks.add("publish " + userId);
                        }
                    },
                    Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofSeconds(90), Budget.unlimited("presence"),
                    new dev.parley.functions.support.memory.InMemoryBlockStore()),
            Clock.systemUTC(), Long.parseLong(Setting.CONNECTION_TTL_SECONDS.defaultValue()),
            new ConnectionService.Limits(3, Duration.ofSeconds(90), Budget.unlimited("heartbeat")));
    private final String user = "alice-" + UUID.randomUUID().toString().substring(0, 8);

    private APIGatewayV2WebSocketEvent event(String fixture) {
        return Fixtures.event(fixture, APIGatewayV2WebSocketEvent.class,
                text -> text.replace("\"userId\": \"alice\"", "\"userId\": \"" + user + "\""));
    }

    private Map<String, AttributeValue> mapping() {
        return TestDynamo.get(Setting.CONNECTIONS_TABLE, Map.of(
                Tables.Connections.USER_ID, AttributeValue.fromS(user),
                Tables.Connections.CONNECTION_ID, AttributeValue.fromS("TZFc-eYyIAMCJwQ=")));
    }

    @Test
    void connectRecordsTheConnectionUnderItsUserWithAnExpiry() {
        var response = new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        var item = mapping();
        assertThat(item.get(Tables.Connections.DEVICE_ID).s()).isEqualTo("phone");
        long connectedAtSeconds = Long.parseLong(item.get(Tables.Connections.CONNECTED_AT).n()) / 1000;
        // API Gateway closes connections after 2 hours; the mapping outlives that by a margin, then expires.
        assertThat(Long.parseLong(item.get(Tables.Connections.EXPIRES_AT).n()) - connectedAtSeconds)
                .isEqualTo(Long.parseLong(Setting.CONNECTION_TTL_SECONDS.defaultValue()));
    }

    @Test
    void heartbeatAnswersPongAndRefreshesLastActive() throws Exception {
        new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        long before = Long.parseLong(mapping().get(Tables.Connections.LAST_ACTIVE_AT).n());
        // The clock has to move past the connect's millisecond for "later" to be visible.
        await().until(() -> System.currentTimeMillis() > before);
        var response = new HeartbeatHandler(connections).handleRequest(event("websocket-heartbeat.json"), null);
        JsonNode pong = JSON.readTree(response.getBody());
        assertThat(pong.get("type").asText()).isEqualTo("pong");
        assertThat(pong.get("requestId").asText()).isEqualTo("hb-1");
        assertThat(Long.parseLong(mapping().get(Tables.Connections.LAST_ACTIVE_AT).n())).isGreaterThan(before)
                .isEqualTo(pong.get("serverTime").asLong());
    }

    @Test
    void aHeartbeatRestoresAMappingThatWasCleanedUpWhileTheConnectionLived() {
        new HeartbeatHandler(connections).handleRequest(event("websocket-heartbeat.json"), null);
        assertThat(mapping().get(Tables.Connections.DEVICE_ID).s()).isEqualTo("phone");
    }

    /** The raw {@code $disconnect} event, as Lambda hands a {@code Map} handler the JSON API Gateway sent. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> disconnectEvent(int statusCode, String reason) {
        return Fixtures.event("websocket-disconnect.json", Map.class, text -> text
                .replace("\"userId\": \"alice\"", "\"userId\": \"" + user + "\"")
                .replace("\"disconnectStatusCode\": 1001", "\"disconnectStatusCode\": " + statusCode)
                .replace("\"disconnectReason\": \"Going away\"", "\"disconnectReason\": \"" + reason + "\""));
    }

    @Test
    void connectRecordsTheUserOnlineAndQueuesThePublishInsteadOfPostingToPeers() {
        new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        assertThat(scheduledChecks).containsExactly("publish " + user);
        // A second connection changes nothing observers were told: nothing more is queued.
        new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        assertThat(scheduledChecks).containsExactly("publish " + user);
    }

    @Test
    void aDroppedConnectionAsksForAnOfflineCheckAfterTheGracePeriod() {
        new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        new DisconnectHandler(connections).handleRequest(disconnectEvent(1006, "Going away"), null);
        assertThat(mapping()).isEmpty();
        assertThat(scheduledChecks).containsExactly("publish " + user, user + " after 30s");
    }

    @Test
    void aPageGoingAwayKeepsTheGracePeriodSinceAReloadReconnectsAtOnce() {
        new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        new DisconnectHandler(connections).handleRequest(disconnectEvent(1001,
                "Client-side close frame status code '1001' (GOING_AWAY) - custom reason: "), null);
        assertThat(scheduledChecks).containsExactly("publish " + user, user + " after 30s");
    }

    @Test
    void aCleanCloseOfTheLastConnectionAsksForTheOfflineCheckAtOnce() {
        new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        new DisconnectHandler(connections).handleRequest(disconnectEvent(1000,
                "Client-side close frame status code '1000' (NORMAL_CLOSURE) - custom reason: bye"), null);
        assertThat(mapping()).isEmpty();
        assertThat(scheduledChecks).containsExactly("publish " + user, user + " after 0s");
    }

    @Test
    void theDefaultRouteAnswersMalformedFramesWithBadRequest() throws Exception {
        var response = new DefaultRouteHandler().handleRequest(event("websocket-default-malformed.json"), null);
        JsonNode error = JSON.readTree(response.getBody());
        assertThat(error.get("code").asText()).isEqualTo("BAD_REQUEST");
        assertThat(error.has("requestId")).isFalse();
    }

    @Test
    void theDefaultRouteAnswersUnknownActionsWithTheirRequestId() throws Exception {
        APIGatewayV2WebSocketEvent event = event("websocket-default-malformed.json");
        event.setBody("{\"action\":\"poll\",\"requestId\":\"t-9\"}");
        JsonNode error = JSON.readTree(new DefaultRouteHandler().handleRequest(event, null).getBody());
        assertThat(error.get("code").asText()).isEqualTo("UNKNOWN_ACTION");
        assertThat(error.get("requestId").asText()).isEqualTo("t-9");
    }

    @Test
    void aUserOverTheirShareOfConnectionsIsRefusedWith429AndNothingIsWritten() {
        for (int i = 0; i < 3; i++) {
            String connectionId = "conn-" + i;
            var response = new ConnectHandler(connections).handleRequest(Fixtures.event("websocket-connect.json",
                    APIGatewayV2WebSocketEvent.class, text -> text.replace("\"userId\": \"alice\"", "\"userId\": \"" + user + "\"")
                            .replace("TZFc-eYyIAMCJwQ=", connectionId)), null);
            assertThat(response.getStatusCode()).isEqualTo(200);
        }
        var refused = new ConnectHandler(connections).handleRequest(event("websocket-connect.json"), null);
        assertThat(refused.getStatusCode()).isEqualTo(429);
        assertThat(mapping()).isEmpty();
        // Another user is not affected.
        var other = new ConnectHandler(connections).handleRequest(Fixtures.event("websocket-connect.json",
                APIGatewayV2WebSocketEvent.class, text -> text.replace("\"userId\": \"alice\"", "\"userId\": \"other-" + user + "\"")), null);
        assertThat(other.getStatusCode()).isEqualTo(200);
    }
}
