package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    private static WsClient connect(String user) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(runtime.connectionsUrl() + "/dev/token"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return WsClient.connect(runtime.websocketUrl(), WsClient.JSON.readTree(response.body()).get("token").asText());
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
        WsClient a = connect(alice);
        a.send(bob, "hi", "hi");
        try (WsClient b = connect(bob)) {
            a.close();
            Thread.sleep(300);
            try (WsClient back = connect(alice)) {
                Thread.sleep((GRACE_SECONDS + 2) * 1000L); // past the grace period, and the check it scheduled
                assertThat(b.received(f -> "presence".equals(f.path("type").asText())
                        && alice.equals(f.path("userId").asText()))).isEmpty();
            }
        }
    }
}
