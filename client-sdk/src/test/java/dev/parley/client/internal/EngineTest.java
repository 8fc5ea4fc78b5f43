package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.Backoff;
import dev.parley.client.CursorStore;
import dev.parley.client.HistoryPage;
import dev.parley.client.ProtocolError;
import dev.parley.client.ProtocolException;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.model.protocol.ClientCodec;
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
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30), null, Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)),
                cursors, app, Duration.ofMillis(200), Duration.ofSeconds(1), 500, 100, Duration.ofMillis(10), Duration.ZERO,
                Duration.ofMillis(20), Clock.systemUTC(), null);
        engine = new Engine(config, server);
        return engine;
    }

    @Test
    void aNewDeviceIsConnectedOnceItsFirstSyncIsDeliveredAndItsOwnSendsComeBackInOrder() throws Exception {
        CompletableFuture<Void> connected = start(new InMemoryCursorStore()).connect();
        JsonNode sync = server.next("sync");
        assertThat(sync.get("since").asText()).isEmpty(); // a device that holds nothing
        assertThat(sync.has("cursors")).isFalse();
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

    @Test
    void framesTheClientCannotReadAreReportedAndSkippedAndTheClientGoesOn() throws Exception {
        CompletableFuture<Void> connected = start(new InMemoryCursorStore()).connect();
        JsonNode sync = server.next("sync");
        server.push("not json at all");
        server.push("{\"type\":\"message\",\"conversationId\":\"dm:alice:bob\",\"body\":{}}"); // no seq
        server.push("{\"type\":\"message\",\"conversationId\":\"dm:alice:bob\",\"seq\":9,\"body\":"
                + nested(ClientCodec.MAX_READ_DEPTH + 1) + "}");
        server.push("{\"type\":\"typing\",\"conversationId\":\"dm:alice:bob\",\"userId\":\"bob\",\"state\":\"start\"}");
        // A frame 64 levels deep and more (a body of 60 in a page) is read like any other.
        server.push(synced(sync, page("dm:alice:bob", 1, false, 1), conversation("grp:deep", 1, message(1, nested(60)))));
        connected.get(10, TimeUnit.SECONDS);
        app.awaitSeqs("dm:alice:bob", 1);
        app.awaitSeqs("grp:deep", 1);
        assertThat(Wire.depth(app.in("grp:deep").get(0).body())).isEqualTo(60);
        app.awaitProtocolErrors(3);
        assertThat(app.protocolErrors).extracting(ProtocolError::reason)
                .anySatisfy(reason -> assertThat(reason).contains("not readable as JSON"))
                .anySatisfy(reason -> assertThat(reason).isEqualTo("frame.seq must be an integer"));
        assertThat(app.protocolErrors).allSatisfy(e -> assertThat(e.frame().length()).isLessThan(1_100));
        // The typing frame of a newer server is not an error: a client ignores types it does not know.
        assertThat(app.protocolErrors).extracting(ProtocolError::type).doesNotContain("typing");
    }

    @Test
    void aPageHoldingABodyStoredBeforeTheServersDepthLimitIsDelivered() throws Exception {
        CompletableFuture<Void> connected = start(new InMemoryCursorStore()).connect();
        JsonNode sync = server.next("sync");
        server.push(synced(sync, conversation("dm:alice:mallory", 2, message(1, nested(997)), message(2, "{\"text\":\"after\"}"))));
        connected.get(10, TimeUnit.SECONDS);
        app.awaitSeqs("dm:alice:mallory", 2);
        assertThat(app.in("dm:alice:mallory").get(1).text()).isEqualTo("after");
    }

    @Test
    void anUnreadableSyncReplyIsReportedAndConnectStillCompletesAndPushesStillArrive() throws Exception {
        CompletableFuture<Void> connected = start(cursors(Map.of("dm:alice:bob", 2L, "dm:alice:mallory", 0L))).connect();
        JsonNode sync = server.next("sync");
        server.push("{\"type\":\"synced\",\"requestId\":\"" + sync.get("requestId").asText()
                + "\",\"conversations\":[{\"conversationId\":\"dm:alice:mallory\",\"messages\":[{\"seq\":1,\"body\":"
                + nested(ClientCodec.MAX_READ_DEPTH + 5) + "}]}]}");
        connected.get(10, TimeUnit.SECONDS);
        app.awaitProtocolErrors(1);
        assertThat(app.protocolErrors.get(0).type()).isEqualTo("synced");
        assertThat(app.protocolErrors.get(0).requestId()).isEqualTo(sync.get("requestId").asText());
        server.push("{\"type\":\"message\",\"conversationId\":\"dm:alice:bob\"," + message(3, "{\"text\":\"hi\"}").substring(1));
        app.awaitSeqs("dm:alice:bob", 1);
        // The round is tried again later, not at once and not never.
        assertThat(server.next("sync").get("requestId").asText()).isNotEqualTo(sync.get("requestId").asText());
    }

    @Test
    void anUnreadableHistoryPageFailsItsRequestWithTheReason() throws Exception {
        CompletableFuture<Void> connected = start(new InMemoryCursorStore()).connect();
        server.push(synced(server.next("sync")));
        connected.get(10, TimeUnit.SECONDS);
        CompletableFuture<HistoryPage> page = engine.history("dm:alice:bob", null, 10);
        JsonNode request = server.next("history");
        server.push("{\"type\":\"history\",\"requestId\":\"" + request.get("requestId").asText() + "\",\"conversationId\":1}");
        assertThatThrownBy(() -> page.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ProtocolException.class)
                .hasMessageContaining("frame.conversationId must be a string");
    }

    @Test
    void bodiesNestedDeeperThanTheServerAcceptsAreRefusedBeforeSending() {
        start(new InMemoryCursorStore());
        CompletableFuture<Sent> sent = engine.send(To.user("bob"), Wire.tree(nested(33)));
        assertThatThrownBy(sent::join).hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nests 33 levels deep; at most 32");
        assertThat(engine.send(To.user("bob"), Wire.tree(nested(32)))).isNotCompletedExceptionally();
    }

    // ---------------------------------------------------------------- frames a test crafts

    static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    static String conversation(String conversationId, long lastSeq, String... messages) {
        return "{\"conversationId\":\"" + conversationId + "\",\"kind\":\"group\",\"lastSeq\":" + lastSeq
                + ",\"readSeq\":0,\"unread\":0,\"messages\":[" + String.join(",", messages) + "],\"hasMore\":false}";
    }

    @Test
    void membersFramesReachTheListenerWithTheChangeAndTheCountAndARemovalForgetsTheGroup() throws Exception {
        CompletableFuture<Void> connected = start(new InMemoryCursorStore()).connect();
        server.push(synced(server.next("sync")));
        connected.get(10, TimeUnit.SECONDS);
        server.push("{\"type\":\"members\",\"conversationId\":\"grp:x\",\"seq\":4,\"name\":\"Lunch\",\"memberCount\":2,"
                + "\"added\":[\"alice\"],\"addedCount\":1,\"removed\":[],\"removedCount\":0,\"promoted\":[],\"demoted\":[],\"by\":\"bob\"}");
        server.push("{\"type\":\"members\",\"conversationId\":\"grp:x\",\"seq\":5,\"name\":\"Dinner\",\"memberCount\":2,"
                + "\"added\":[],\"addedCount\":0,\"removed\":[],\"removedCount\":0,\"promoted\":[\"alice\"],\"demoted\":[],"
                + "\"renamed\":true,\"by\":\"bob\"}");
        app.awaitGroupChanges(2);
        assertThat(app.groupChanges.get(0).added()).containsExactly("alice");
        assertThat(app.groupChanges.get(0).memberCount()).isEqualTo(2);
        assertThat(app.groupChanges.get(0).seq()).isEqualTo(4);
        assertThat(app.groupChanges.get(1).renamed()).isTrue();
        assertThat(app.groupChanges.get(1).name()).isEqualTo("Dinner");
        assertThat(app.groupChanges.get(1).promoted()).containsExactly("alice");

        server.push("{\"type\":\"members\",\"conversationId\":\"grp:x\",\"seq\":6,\"name\":\"Dinner\",\"memberCount\":1,"
                + "\"added\":[],\"addedCount\":0,\"removed\":[\"alice\"],\"removedCount\":1,\"promoted\":[],\"demoted\":[],\"by\":\"bob\"}");
        app.awaitGroupChanges(3);
        assertThat(app.groupChanges.get(2).removed()).containsExactly("alice");
        assertThat(engine.group("grp:x")).isEmpty();
    }

    /** The last reply of a round (v2: no more changes follow), with cursor "c1". */
    static String synced(JsonNode sync, String... conversations) {
        return synced(sync, false, "c1", conversations);
    }

    static String synced(JsonNode sync, boolean hasMore, String cursor, String... conversations) {
        return "{\"type\":\"synced\",\"requestId\":\"" + sync.get("requestId").asText() + "\",\"conversations\":["
                + String.join(",", conversations) + "],\"cursor\":\"" + cursor + "\",\"hasMore\":" + hasMore + "}";
    }

    /** A conversation the user is no longer a member of, as a v2 sync lists it. */
    static String left(String conversationId, long lastSeq) {
        return "{\"conversationId\":\"" + conversationId + "\",\"kind\":\"group\",\"lastSeq\":" + lastSeq
                + ",\"readSeq\":0,\"unread\":0,\"left\":true,\"messages\":[],\"hasMore\":false}";
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
        final java.util.concurrent.atomic.AtomicReference<List<dev.parley.client.ConversationSummary>> conversations =
                new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public synchronized void onConversations(List<dev.parley.client.ConversationSummary> listed, long totalUnread) {
            conversations.set(listed);
            notifyAll();
        }

        /** Waits until a round has ended (the application heard the conversations). */
        synchronized void awaitConversations() throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (conversations.get() == null && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            assertThat(conversations.get()).isNotNull();
        }
        final List<ProtocolError> protocolErrors = new CopyOnWriteArrayList<>();
        final List<dev.parley.client.GroupChange> groupChanges = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void onGroupChanged(dev.parley.client.GroupChange change) {
            groupChanges.add(change);
            notifyAll();
        }

        synchronized void awaitGroupChanges(int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (groupChanges.size() < count && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            assertThat(groupChanges).hasSizeGreaterThanOrEqualTo(count);
        }

        @Override
        public synchronized void onProtocolError(ProtocolError error) {
            protocolErrors.add(error);
            notifyAll();
        }

        synchronized void awaitProtocolErrors(int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (protocolErrors.size() < count && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            assertThat(protocolErrors).hasSizeGreaterThanOrEqualTo(count);
        }

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
                wait(Math.max(1, deadline - System.currentTimeMillis()));
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
