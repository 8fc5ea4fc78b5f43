package dev.parley.it;

import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.domain.ConversationId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admission at $connect and code reload under live connections, each on a runtime of its own. */
class AdmissionAndReloadTest {
    private LocalRuntime runtime;

    @AfterEach
    void stop() throws Exception {
        runtime.close();
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void connectionsBeyondTheConnectRateAreRefusedWith429BeforeTheUpgradeThenAcceptedAgain() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0).admission(100, 2).build());
        List<WsClient> open = new ArrayList<>();
        try {
            open.add(OwnRuntime.connect(runtime, user("a")));
            open.add(OwnRuntime.connect(runtime, user("b")));
            String c = user("c");
            assertThat(OwnRuntime.handshake(runtime, c)).as("third new connection within a second").isEqualTo(429);
            // Accepted once the bucket has refilled (a refused attempt takes no token).
            open.add(await().until(() -> tryConnect(c), Optional::isPresent).orElseThrow());
            for (WsClient client : open) {
                assertThat(client.heartbeat().get("type").asText()).isEqualTo("pong");
            }
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void connectionsBeyondTheOpenConnectionLimitAreRefusedWith429UntilOneCloses() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0).admission(3, 1_000).build());
        List<WsClient> open = new ArrayList<>();
        try {
            for (String name : List.of("a", "b", "c")) {
                open.add(OwnRuntime.connect(runtime, user(name)));
            }
            String d = user("d");
            assertThat(OwnRuntime.handshake(runtime, d)).as("past the open-connection limit").isEqualTo(429);
            open.remove(0).close();
            // Accepted once the gateway has seen the close.
            open.add(await().until(() -> tryConnect(d), Optional::isPresent).orElseThrow());
            for (WsClient client : open) {
                assertThat(client.heartbeat().get("type").asText()).isEqualTo("pong");
            }
        } finally {
            open.forEach(WsClient::close);
        }
    }

    /** A connection as the user, or empty when the handshake was refused with 429. */
    private Optional<WsClient> tryConnect(String userId) {
        try {
            return Optional.of(OwnRuntime.connect(runtime, userId));
        } catch (IllegalStateException failed) {
            for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
                if (cause instanceof WebSocketHandshakeException refused && refused.getResponse().statusCode() == 429) {
                    return Optional.empty();
                }
            }
            throw failed;
        }
    }

    @Test
    void aReloadKeepsEverySocketOpenAndChatGoesOnWithSeqContinuing() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0).build());
        String alice = user("alice");
        String bob = user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = OwnRuntime.connect(runtime, alice); WsClient b = OwnRuntime.connect(runtime, bob)) {
            assertThat(a.send(bob, "before", "before the reload").get("seq").asLong()).isEqualTo(1);
            b.await(messageIn(conversation));
            ClassLoader before = runtime.functions().code();

            HttpResponse<String> reloaded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(runtime.connectionsUrl() + "/dev/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reloaded.statusCode()).isEqualTo(200);
            JsonNode body = WsClient.JSON.readTree(reloaded.body());
            assertThat(body.get("reloaded").asBoolean()).isTrue();
            assertThat(body.get("connections").asInt()).isEqualTo(2);
            assertThat(runtime.functions().code()).isNotSameAs(before);

            assertThat(a.isOpen()).isTrue();
            assertThat(b.isOpen()).isTrue();
            assertThat(a.send(bob, "after", "after the reload").get("seq").asLong()).isEqualTo(2);
            JsonNode after = b.await(f -> messageIn(conversation).test(f) && f.get("seq").asLong() == 2);
            assertThat(after.get("body").get("text").asText()).isEqualTo("after the reload");
            assertThat(b.send(alice, "reply", "both ways").get("seq").asLong()).isEqualTo(3);
            assertThat(a.await(f -> messageIn(conversation).test(f) && f.get("seq").asLong() == 3)).isNotNull();
            assertThat(b.received(messageIn(conversation))).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L);
        }
    }
}
