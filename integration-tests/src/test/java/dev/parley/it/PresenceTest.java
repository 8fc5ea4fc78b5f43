package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Presence pushes, on a runtime of its own with a 6-second grace period: short enough for the
 * test, long enough to tell "at once" (a sign-out) from "after the grace period" (a drop).
 */
class PresenceTest {
    private static final int GRACE_SECONDS = 6;
    private static final Duration AFTER_GRACE = Duration.ofSeconds(GRACE_SECONDS + 20);
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

    private static Api api(String user) {
        return new Api(runtime.httpUrl(), OwnRuntime.token(runtime, user));
    }

    private static WsClient connect(String user) {
        return OwnRuntime.connect(runtime, user);
    }

    private static Predicate<JsonNode> presenceOf(String user, boolean online) {
        return f -> "presence".equals(f.path("type").asText()) && user.equals(f.path("userId").asText())
                && f.path("online").asBoolean() == online;
    }

    @Test
    void peersSeeOnlineAtConnectAndOfflineOnlyAfterTheGracePeriodWhenTheNetworkDrops() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        try (WsClient b = connect(bob)) {
            WsClient a = connect(alice);
            a.send(bob, "hi", "hi"); // now they are direct-conversation peers
            a.drop();
            long droppedAt = System.currentTimeMillis();
            JsonNode offline = b.await(presenceOf(alice, false), AFTER_GRACE);
            assertThat(System.currentTimeMillis() - droppedAt).isGreaterThanOrEqualTo(GRACE_SECONDS * 1000L - 200);
            assertThat(offline.get("lastActiveAt").asLong()).isPositive().isLessThanOrEqualTo(droppedAt);

            try (WsClient again = connect(alice)) {
                // (An "online" of her first connection may have come too: its publish ran after her
                // send had made bob her peer.)
                b.await(f -> presenceOf(alice, true).test(f) && f.get("lastActiveAt").asLong() >= droppedAt);
            }
        }
    }

    @Test
    void aSignOutShowsThePeerOfflineWellBeforeTheGracePeriod() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        try (WsClient b = connect(bob)) {
            WsClient a = connect(alice);
            a.send(bob, "hi", "hi"); // now peers (alice's "online" went out before: to nobody)
            a.close(); // a close frame with 1000: the client meant to leave
            long closedAt = System.currentTimeMillis();
            JsonNode offline = b.await(presenceOf(alice, false), AFTER_GRACE);
            assertThat(System.currentTimeMillis() - closedAt).as("offline shown after the sign-out, in ms")
                    .isLessThan(GRACE_SECONDS * 1000L - 1000);
            assertThat(offline.get("lastActiveAt").asLong()).isPositive().isLessThanOrEqualTo(closedAt);
            Api.Reply asked = api(bob).get("/presence?users=" + alice);
            assertThat(asked.body().get("presence").get(0).get("online").asBoolean()).isFalse();
        }
    }

    @Test
    void aSignOutOfOneDeviceLeavesTheUserOnlineWhileAnotherIsConnected() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        try (WsClient b = connect(bob); WsClient phone = connect(alice)) {
            phone.send(bob, "hi", "hi");
            WsClient laptop = connect(alice);
            laptop.close();
            // Carol signs out after the laptop did: her check is queued after alice's, with no
            // delay either, so once bob hears carol is offline alice's check has run.
            String carol = user("carol");
            WsClient c = connect(carol);
            c.send(bob, "hi", "hi");
            c.close();
            b.await(presenceOf(carol, false), AFTER_GRACE);
            assertThat(b.received(presenceOf(alice, false))).isEmpty();
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
            a.drop();
            await().until(() -> connectionsOf(alice).isEmpty()); // her $disconnect has scheduled the check
            try (WsClient back = connect(alice)) {
                // Carol's network drops after alice's did: her check is due after alice's on the one
                // queue, so once bob hears carol is offline, alice's check has run and found her back.
                c.drop();
                b.await(presenceOf(carol, false), AFTER_GRACE);
                assertThat(b.received(presenceOf(alice, false))).isEmpty();
            }
        }
    }

    @Test
    void aPeerOfflineWhenTheUserConnectedLearnsItByAskingWhenItComesBack() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        String dave = user("dave");
        try (WsClient b = connect(bob)) {
            WsClient d = connect(dave);
            b.send(alice, "hi", "hi");
            d.send(alice, "hi", "hi");
            d.close();
            await().until(() -> connectionsOf(dave).isEmpty());
            try (WsClient a = connect(alice)) {
                b.await(presenceOf(alice, true));
                try (WsClient back = connect(dave)) {
                    // Dave was offline when alice came: the page asks GET /presence when it connects.
                    Api.Reply asked = api(dave).get("/presence?users=" + alice + "," + bob);
                    assertThat(asked.body().get("presence").get(0).get("online").asBoolean()).isTrue();
                    assertThat(asked.body().get("presence").get(1).get("online").asBoolean()).isTrue();
                }
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
