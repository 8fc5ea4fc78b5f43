package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Presence pushes, on a runtime of its own with a 2-second grace period so the test stays short. */
class PresenceTest {
    private static final int GRACE_SECONDS = 2;
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                .setting(Setting.PRESENCE_GRACE_SECONDS, Integer.toString(GRACE_SECONDS)).build());
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.close();
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static WsClient connect(String user) {
        return OwnRuntime.connect(runtime, user);
    }

    private static Predicate<JsonNode> presenceOf(String user, boolean online) {
        return f -> "presence".equals(f.path("type").asText()) && user.equals(f.path("userId").asText())
                && f.path("online").asBoolean() == online;
    }

    @Test
    void peersSeeOnlineAtConnectAndOfflineOnlyAfterTheGracePeriod() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        try (WsClient b = connect(bob)) {
            WsClient a = connect(alice);
            a.send(bob, "hi", "hi"); // now they are direct-conversation peers
            a.close();
            long closedAt = System.currentTimeMillis();
            JsonNode offline = b.await(presenceOf(alice, false));
            assertThat(System.currentTimeMillis() - closedAt).isGreaterThanOrEqualTo(GRACE_SECONDS * 1000L - 200);
            assertThat(offline.get("lastActiveAt").asLong()).isPositive().isLessThanOrEqualTo(closedAt);

            try (WsClient again = connect(alice)) {
                JsonNode online = b.await(presenceOf(alice, true));
                assertThat(online.get("lastActiveAt").asLong()).isGreaterThanOrEqualTo(closedAt);
            }
        }
    }

    @Test
    void aReconnectWithinTheGracePeriodDoesNotFlap() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        WsClient a = connect(alice);
        a.send(bob, "hi", "hi");
        WsClient c = connect(carol);
        c.send(bob, "hi", "hi");
        try (WsClient b = connect(bob)) {
            a.close();
            await().until(() -> connectionsOf(alice).isEmpty()); // her $disconnect has scheduled the check
            try (WsClient back = connect(alice)) {
                // Carol leaves after alice did: her check is due after alice's on the one queue, so
                // once bob hears carol is offline, alice's check has run and found her back.
                c.close();
                b.await(presenceOf(carol, false));
                assertThat(b.received(f -> "presence".equals(f.path("type").asText())
                        && alice.equals(f.path("userId").asText()))).isEmpty();
            }
        }
    }

    private static List<String> connectionsOf(String userId) {
        return runtime.dynamo().query(q -> q
                        .tableName(runtime.config().get(Setting.CONNECTIONS_TABLE))
                        .keyConditionExpression("#u = :u")
                        .expressionAttributeNames(Map.of("#u", Tables.Connections.USER_ID))
                        .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId)))
                        .consistentRead(true))
                .items().stream().map(item -> item.get(Tables.Connections.CONNECTION_ID).s())
                .filter(id -> !Tables.Connections.LIVE_ITEM.equals(id)).toList();
    }
}
