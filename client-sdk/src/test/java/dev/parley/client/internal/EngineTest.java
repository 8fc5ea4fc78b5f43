package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.Backoff;
import dev.parley.client.CursorStore;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import dev.parley.client.Sent;
import dev.parley.client.To;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine against a {@link FakeServer}: crafted frames in, the client's frames out, no socket. */
class EngineTest {
    private final FakeServer server = new FakeServer();
    private final App app = new App();
    private Engine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private Engine start(CursorStore cursors) {
        ClientConfig config = new ClientConfig("ws://fake", () -> "a.eyJzdWIiOiJhbGljZSJ9.sig", "phone",
                Duration.ofSeconds(30), Duration.ofSeconds(5), Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)),
                cursors, app, Duration.ofMillis(200), Duration.ofSeconds(1), 500, 100, Duration.ofMillis(10), Duration.ZERO,
                Duration.ofMillis(20), Clock.systemUTC(), null);
        engine = new Engine(config, server);
        return engine;
    }

    @Test
    void aNewDeviceIsConnectedOnceItsFirstSyncIsDeliveredAndItsOwnSendsComeBackInOrder() throws Exception {
        CompletableFuture<Void> connected = start(new InMemoryCursorStore()).connect();
        JsonNode sync = server.next("sync");
        assertThat(sync.get("cursors").size()).isZero();
        assertThat(connected).isNotDone();
        server.push(synced(sync, page("dm:alice:bob", 2, false, 1, 2)));
        connected.get(10, TimeUnit.SECONDS);
        assertThat(app.seqs("dm:alice:bob")).containsExactly(1L, 2L);

        CompletableFuture<Sent> sent = engine.send(To.user("bob"), Wire.textBody("hi"));
        JsonNode send = server.next("send");
        server.push("{\"type\":\"sent\",\"requestId\":\"" + send.get("requestId").asText() + "\",\"conversationId\":\"dm:alice:bob\","
                + "\"clientMsgId\":\"" + send.get("clientMsgId").asText() + "\",\"seq\":3,\"sentAt\":1}");
        assertThat(sent.get(10, TimeUnit.SECONDS).seq()).isEqualTo(3);
        app.awaitSeqs("dm:alice:bob", 3);
        assertThat(app.in("dm:alice:bob").get(2).senderId()).isEqualTo("alice");
        assertThat(server.next("ack").get("seq").asLong()).isGreaterThanOrEqualTo(2);
    }

    // ---------------------------------------------------------------- frames a test crafts

    static String synced(JsonNode sync, String... conversations) {
        return "{\"type\":\"synced\",\"requestId\":\"" + sync.get("requestId").asText() + "\",\"conversations\":["
                + String.join(",", conversations) + "],\"totalUnread\":0}";
    }

    /** A synced conversation with messages at {@code seqs}. */
    static String page(String conversationId, long lastSeq, boolean hasMore, long... seqs) {
        List<String> messages = new ArrayList<>();
        for (long seq : seqs) {
            messages.add(message(seq, "{\"text\":\"m" + seq + "\"}"));
        }
        return "{\"conversationId\":\"" + conversationId + "\",\"kind\":\"direct\",\"lastSeq\":" + lastSeq
                + ",\"readSeq\":0,\"unread\":0,\"messages\":[" + String.join(",", messages) + "],\"hasMore\":" + hasMore + "}";
    }

    static String message(long seq, String body) {
        return "{\"seq\":" + seq + ",\"senderId\":\"bob\",\"clientMsgId\":\"c" + seq + "\",\"body\":" + body + ",\"sentAt\":1}";
    }

    /** What the application heard. */
    static final class App implements MessageListener {
        final List<Message> messages = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void onMessage(Message message) {
            messages.add(message);
            notifyAll();
        }

        List<Message> in(String conversationId) {
            return messages.stream().filter(m -> m.conversationId().equals(conversationId)).toList();
        }

        List<Long> seqs(String conversationId) {
            return in(conversationId).stream().map(Message::seq).toList();
        }

        /** Waits until the conversation holds {@code count} messages. */
        synchronized void awaitSeqs(String conversationId, int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (in(conversationId).size() < count && System.currentTimeMillis() < deadline) {
                wait(deadline - System.currentTimeMillis());
            }
            assertThat(in(conversationId)).hasSize(count);
        }
    }

    static CursorStore cursors(Map<String, Long> saved) {
        InMemoryCursorStore store = new InMemoryCursorStore();
        saved.forEach(store::save);
        return store;
    }
}
