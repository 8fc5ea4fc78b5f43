package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.testsupport.metering.CapacityMeter;
import dev.parley.testsupport.tables.StoredItems;
import java.net.URLEncoder;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The runtime an attack is made against, and what every attack test checks afterwards: nothing
 * was stored, the attacker's connection still answers, and other users still chat.
 *
 * <p>{@link #shared()} is the integration tests' runtime (send limits raised out of the way);
 * {@link #defaults()} is a runtime of the attack suite with every budget and limit at its
 * documented default, and a {@link CapacityMeter} on the functions' DynamoDB client, so that the
 * cost of an attack is measured in capacity units (deterministic), never in time.
 */
final class Target {
    /** How long a connection's backlog of flooded frames may take to be handled. */
    static final Duration FLOOD_BACKLOG = Duration.ofSeconds(90);
    private static Target defaults;
    private static final CapacityMeter METER = new CapacityMeter();

    private final LocalRuntime runtime;
    private final boolean shared;

    private Target(LocalRuntime runtime, boolean shared) {
        this.runtime = runtime;
        this.shared = shared;
    }

    static Target shared() {
        return new Target(Parley.runtime(), true);
    }

    /** A target on a runtime the test started itself (for settings the shared ones do not have). */
    static Target on(LocalRuntime runtime) {
        return new Target(runtime, false);
    }

    static synchronized Target defaults() {
        if (defaults == null) {
            try {
                LocalRuntime started = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                        .dynamoInterceptor(METER).setting(Setting.LOG_LEVEL, "WARN").build());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (Exception ignored) {
                        // the JVM is going away
                    }
                }));
                defaults = new Target(started, false);
            } catch (Exception e) {
                throw new IllegalStateException("the attack suite's runtime did not start", e);
            }
        }
        return defaults;
    }

    LocalRuntime runtime() {
        return runtime;
    }

    /** Capacity units the functions used on the defaults runtime. */
    static CapacityMeter meter() {
        return METER;
    }

    static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String token(String userId) {
        return runtime.issuer().token(userId, null, Duration.ofHours(1));
    }

    WsClient connect(String userId) {
        return shared ? Parley.connect(userId) : OwnRuntime.connect(runtime, userId);
    }

    Api api(String userId) {
        return new Api(runtime.httpUrl(), token(userId));
    }

    StoredItems stored() {
        return new StoredItems(runtime.dynamo(), runtime.config());
    }

    /** A handshake's outcome: the open connection (status 101), or the refusal's HTTP status. */
    record Attempt(WsClient client, int status) {}

    /** Connects to the URI (token in its query), keeping the connection when the handshake succeeds. */
    static Attempt attempt(String uri) {
        try {
            return new Attempt(WsClient.connect(uri), 101);
        } catch (IllegalStateException failed) {
            for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
                if (cause instanceof WebSocketHandshakeException refused) {
                    return new Attempt(null, refused.getResponse().statusCode());
                }
            }
            throw failed;
        }
    }

    String uriFor(String userId) {
        return runtime.websocketUrl() + "/?token=" + URLEncoder.encode(token(userId), StandardCharsets.UTF_8);
    }

    /** The connection still answers frames. */
    static void stillServes(WsClient connection) {
        assertThat(connection.isOpen()).as("the connection is still open").isTrue();
        // The gateway handles a connection's frames in order: after a flood the heartbeat waits for
        // the flood's frames, which on a loaded machine takes longer than a single reply would.
        assertThat(connection.heartbeat(FLOOD_BACKLOG).get("type").asText()).isEqualTo("pong");
    }

    /** Two users who took no part still chat: a message from one reaches the other, pushed. */
    void othersStillChat() {
        String alice = user("alice");
        String bob = user("bob");
        try (WsClient a = connect(alice); WsClient b = connect(bob)) {
            JsonNode sent = a.send(bob, "hello", "still here?");
            assertThat(sent.get("type").asText()).as("a bystander's send: " + sent).isEqualTo("sent");
            assertThat(b.await(WsClient.messageIn(ConversationId.direct(alice, bob))).path("body").path("text").asText())
                    .isEqualTo("still here?");
        }
    }

    /** Sends the frame with a fresh requestId and expects an error with the code. */
    static JsonNode refused(WsClient client, ObjectNode frame, String code) {
        JsonNode reply = client.request(frame);
        assertThat(reply.path("type").asText()).as("reply to " + frame).isEqualTo("error");
        assertThat(reply.path("code").asText()).as("code of " + reply).isEqualTo(code);
        return reply;
    }

    static ObjectNode frame(String action) {
        return WsClient.JSON.createObjectNode().put("action", action);
    }

    static ObjectNode send(String conversationId, String clientMsgId, String text) {
        ObjectNode frame = frame("send").put("conversationId", conversationId).put("clientMsgId", clientMsgId);
        frame.putObject("body").put("text", text);
        return frame;
    }
}
