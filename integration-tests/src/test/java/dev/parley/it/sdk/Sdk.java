package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.client.Backoff;
import dev.parley.client.ConnectionState;
import dev.parley.client.ConversationSummary;
import dev.parley.client.CursorStore;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.Message;
import dev.parley.client.MessageListener;
import dev.parley.client.ParleyClient;
import dev.parley.client.ReadReceipt;
import dev.parley.client.TokenSupplier;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** SDK clients against the local runtime, and what their applications saw. */
final class Sdk {
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Sdk() {}

    static ConditionFactory await() {
        return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20));
    }

    /**
     * A client tuned for tests: reconnect backoff of 50 ms growing to 1 s (the policy is the
     * production one, only faster), a short gap wait, and a request timeout short enough that
     * lost answers are retried within a test's patience.
     */
    static ParleyClient.Builder builder(String websocketUrl, String userId, String deviceId, App app) {
        return builder(websocketUrl, () -> Parley.token(userId, deviceId), deviceId, app)
                .httpUrl(Parley.runtime().httpUrl());
    }

    /** A client of a runtime of the test's own (not the shared one). */
    static ParleyClient.Builder builder(LocalRuntime runtime, String userId, String deviceId, App app) {
        return builder(runtime.websocketUrl(), () -> token(runtime, userId, deviceId), deviceId, app)
                .httpUrl(runtime.httpUrl());
    }

    private static ParleyClient.Builder builder(String websocketUrl, TokenSupplier tokens, String deviceId, App app) {
        return ParleyClient.builder()
                .websocketUrl(websocketUrl)
                .tokenSupplier(tokens)
                .deviceId(deviceId)
                .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1)).withStableAfter(Duration.ofSeconds(2)))
                .requestTimeout(Duration.ofSeconds(3))
                .heartbeatInterval(Duration.ofSeconds(5))
                .gapWait(Duration.ofMillis(300))
                .maxGapWait(Duration.ofSeconds(2))
                .cursorStore(app.cursors)
                .listener(app);
    }

    static ParleyClient connect(String userId, String deviceId, App app) {
        ParleyClient client = builder(Parley.runtime().websocketUrl(), userId, deviceId, app).build();
        client.connect().orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
        return client;
    }

    /** A group created over the HTTP API by {@code owner}, with {@code members}. */
    static String createGroup(String owner, List<String> members) {
        return createGroup(Parley.runtime(), owner, members);
    }

    static String createGroup(LocalRuntime runtime, String owner, List<String> members) {
        try {
            String body = WsClient.JSON.createObjectNode().put("name", "team")
                    .set("members", WsClient.JSON.valueToTree(members)).toString();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(runtime.httpUrl() + "/groups"))
                            .header("Authorization", "Bearer " + token(runtime, owner, "admin"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            return WsClient.JSON.readTree(response.body()).get("conversationId").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token from the runtime's local issuer, as {@link Parley#token} gets one from the shared runtime. */
    static String token(LocalRuntime runtime, String userId, String deviceId) {
        try {
            String body = WsClient.JSON.createObjectNode().put("userId", userId).put("deviceId", deviceId).toString();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(runtime.connectionsUrl() + "/dev/token"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token refused: " + response.body());
            }
            return WsClient.JSON.readTree(response.body()).get("token").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The stored messages of a conversation (gaps left out), ascending by seq. */
    static List<Map<String, AttributeValue>> storedMessages(LocalRuntime runtime, String conversationId) {
        return runtime.dynamo().queryPaginator(q -> q
                        .tableName(runtime.config().get(Setting.MESSAGES_TABLE))
                        .keyConditionExpression("#c = :c")
                        .expressionAttributeNames(Map.of("#c", Tables.Messages.CONVERSATION_ID))
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(conversationId)))
                        .consistentRead(true))
                .items().stream()
                .filter(item -> Tables.Messages.TYPE_MESSAGE.equals(item.get(Tables.Messages.ENTRY_TYPE).s()))
                .toList();
    }

    /** The seqs of the stored messages of a conversation, ascending: what every member must see. */
    static List<Long> storedSeqs(String conversationId) {
        return storedSeqs(Parley.runtime(), conversationId);
    }

    static List<Long> storedSeqs(LocalRuntime runtime, String conversationId) {
        return storedMessages(runtime, conversationId).stream()
                .map(item -> Long.parseLong(item.get(Tables.Messages.SEQ).n())).toList();
    }

    static List<String> storedClientMsgIds(String conversationId) {
        return storedClientMsgIds(Parley.runtime(), conversationId);
    }

    static List<String> storedClientMsgIds(LocalRuntime runtime, String conversationId) {
        return storedMessages(runtime, conversationId).stream()
                .map(item -> item.get(Tables.Messages.CLIENT_MSG_ID).s()).toList();
    }

    /**
     * The application side of one client: everything its listener was told, and a check that
     * the listener is never called concurrently or from more than one thread.
     */
    static class App implements MessageListener {
        final String name;
        final CursorStore cursors;
        final Map<String, List<Message>> messages = new ConcurrentHashMap<>();
        final List<ConnectionState> states = new CopyOnWriteArrayList<>();
        final List<ReadReceipt> reads = new CopyOnWriteArrayList<>();
        final List<Integer> authFailures = new CopyOnWriteArrayList<>();
        final List<dev.parley.client.GroupChange> groupChanges = new CopyOnWriteArrayList<>();
        final List<dev.parley.client.GroupChange> memberEntries = new CopyOnWriteArrayList<>();
        final AtomicReference<List<ConversationSummary>> conversations = new AtomicReference<>(List.of());
        final AtomicReference<Long> totalUnread = new AtomicReference<>(-1L);
        final List<String> violations = new CopyOnWriteArrayList<>();
        private final AtomicBoolean inCallback = new AtomicBoolean();
        private final AtomicReference<Thread> thread = new AtomicReference<>();
        volatile Consumer<Message> onEach = m -> {};

        App(String name) {
            this(name, new InMemoryCursorStore());
        }

        App(String name, CursorStore cursors) {
            this.name = name;
            this.cursors = cursors;
        }

        private void enter() {
            if (!inCallback.compareAndSet(false, true)) {
                violations.add("concurrent listener call on " + Thread.currentThread().getName());
            }
            Thread previous = thread.getAndSet(Thread.currentThread());
            if (previous != null && previous != Thread.currentThread()) {
                violations.add("listener called from " + Thread.currentThread().getName() + " and " + previous.getName());
            }
        }

        private void exit() {
            inCallback.set(false);
        }

        @Override
        public void onMessage(Message message) {
            enter();
            try {
                messages.computeIfAbsent(message.conversationId(), id -> new CopyOnWriteArrayList<>()).add(message);
                onEach.accept(message);
            } finally {
                exit();
            }
        }

        @Override
        public void onRead(ReadReceipt receipt) {
            enter();
            reads.add(receipt);
            exit();
        }

        @Override
        public void onConnectionState(ConnectionState state) {
            enter();
            states.add(state);
            exit();
        }

        @Override
        public void onConversations(List<ConversationSummary> conversations, long totalUnread) {
            enter();
            this.conversations.set(conversations);
            this.totalUnread.set(totalUnread);
            exit();
        }

        @Override
        public void onGroupChanged(dev.parley.client.GroupChange change) {
            enter();
            groupChanges.add(change);
            exit();
        }

        @Override
        public void onMemberEntry(dev.parley.client.GroupChange change) {
            enter();
            memberEntries.add(change);
            exit();
        }

        @Override
        public void onAuthFailed(int httpStatus) {
            enter();
            authFailures.add(httpStatus);
            exit();
        }

        List<Message> in(String conversationId) {
            return new ArrayList<>(messages.getOrDefault(conversationId, List.of()));
        }

        List<Long> seqs(String conversationId) {
            return in(conversationId).stream().map(Message::seq).toList();
        }

        List<String> texts(String conversationId) {
            return in(conversationId).stream().map(Message::text).toList();
        }

        long unread(String conversationId) {
            return conversations.get().stream().filter(c -> c.conversationId().equals(conversationId))
                    .mapToLong(ConversationSummary::unread).findFirst().orElse(-1);
        }

        /** The application saw exactly the stored messages of the conversation, once each, in seq order. */
        void sawExactlyTheStoredTimeline(String conversationId) {
            sawExactlyTheStoredTimeline(Parley.runtime(), conversationId);
        }

        void sawExactlyTheStoredTimeline(LocalRuntime runtime, String conversationId) {
            // Never a duplicate or a step back, at any moment; then, eventually, everything.
            await().untilAsserted(() -> {
                assertThat(seqs(conversationId)).as(name + " in " + conversationId).isSorted().doesNotHaveDuplicates();
                assertThat(seqs(conversationId)).as(name + " in " + conversationId)
                        .isEqualTo(storedSeqs(runtime, conversationId));
            });
            assertThat(in(conversationId).stream().map(Message::clientMsgId).toList())
                    .isEqualTo(storedClientMsgIds(runtime, conversationId));
            assertThat(violations).isEmpty();
        }
    }

    static JsonNode textBody(String text) {
        return WsClient.JSON.createObjectNode().put("text", text);
    }
}
