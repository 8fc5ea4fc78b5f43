package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ConversationSummary;
import dev.parley.client.InMemoryCursorStore;
import dev.parley.client.ParleyClient;
import dev.parley.client.To;
import dev.parley.it.support.Inbox;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.tables.Tables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The SDK catches up with one position per device (the v2 {@code sync}), so a round costs what
 * changed, not what exists, and fetches what each changed conversation lacks by itself.
 */
class SdkSyncTest {

    /** The Queries the functions make, as DynamoDB receives them. */
    static final class QueryLog implements ExecutionInterceptor {
        final List<QueryRequest> queries = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof QueryRequest query) {
                queries.add(query);
            }
        }

        /** Queries of {@code table} (and {@code index}, or the table itself when null) naming {@code key}. */
        List<QueryRequest> of(String table, String index, String key) {
            return queries.stream().filter(q -> q.tableName().equals(table) && java.util.Objects.equals(q.indexName(), index))
                    .filter(q -> q.expressionAttributeValues().values().stream().anyMatch(v -> key.equals(v.s())))
                    .toList();
        }
    }

    @Test
    void aDeviceOfFortyConversationsOfWhichThreeChangedSyncsWithOnePositionAndReadsOnlyThoseThree() throws Exception {
        QueryLog log = new QueryLog();
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                .dynamoInterceptor(log).setting(Setting.LOG_LEVEL, "WARN").build())) {
            String reader = Parley.user("reader");
            List<String> writers = new ArrayList<>();
            List<String> conversations = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String writer = Parley.user("w" + i);
                writers.add(writer);
                conversations.add(ConversationId.direct(reader, writer));
                try (WsClient socket = OwnRuntime.connect(runtime, writer)) {
                    assertThat(socket.send(reader, "first", "hello").path("type").asText()).isEqualTo("sent");
                }
            }
            conversations.forEach(conversation -> awaitApplied(runtime, reader, conversation, 1));

            // The reader stays online on a laptop throughout: the phone's sign-out and return are then
            // no presence change, whose publish would Query the reader's memberships (for peers).
            WsClient laptop = OwnRuntime.connect(runtime, reader);
            InMemoryCursorStore phoneStore = new InMemoryCursorStore();
            Sdk.App before = new Sdk.App("phone", phoneStore);
            try (ParleyClient phone = Sdk.builder(runtime, reader, "phone", before).build()) {
                phone.connect().get(30, TimeUnit.SECONDS);
                for (String conversation : conversations) {
                    Sdk.await().until(() -> before.seqs(conversation).equals(List.of(1L)));
                }
                Sdk.await().until(() -> !phoneStore.loadSyncPosition().isEmpty());
            }
            // Time passes: the server lists again what changed within a minute of a position (so that no
            // change in flight is missed); these forty changed long before the next sync.
            conversations.forEach(conversation -> changedAnHourAgo(runtime, reader, conversation));

            List<String> changed = conversations.subList(10, 13);
            for (String conversation : changed) {
                try (WsClient socket = OwnRuntime.connect(runtime, writers.get(conversations.indexOf(conversation)))) {
                    socket.send(reader, "second", "again");
                    socket.send(reader, "third", "and again");
                }
                awaitApplied(runtime, reader, conversation, 3);
            }

            log.queries.clear();
            Sdk.App after = new Sdk.App("phone restarted", phoneStore);
            try (ParleyClient phone = Sdk.builder(runtime, reader, "phone", after).build()) {
                phone.connect().get(30, TimeUnit.SECONDS);
                for (String conversation : changed) {
                    assertThat(after.seqs(conversation)).as(conversation).containsExactly(2L, 3L);
                }
                assertThat(after.messages.keySet()).containsExactlyInAnyOrderElementsOf(changed);
                assertThat(after.conversations.get()).extracting(ConversationSummary::conversationId)
                        .containsExactlyInAnyOrderElementsOf(changed);
                assertThat(after.totalUnread.get()).isEqualTo(9);
            }
            // One Query of the reader's change log, and the messages of the three conversations only;
            // no Query of the reader's memberships, which a sync with per-conversation cursors makes.
            String inbox = runtime.config().get(Setting.INBOX_TABLE);
            String messages = runtime.config().get(Setting.MESSAGES_TABLE);
            assertThat(log.of(inbox, Tables.Inbox.BY_CHANGE_INDEX, reader)).hasSize(1);
            assertThat(log.of(runtime.config().get(Setting.CONVERSATIONS_TABLE), Tables.Conversations.BY_MEMBER_INDEX,
                    reader)).isEmpty();
            for (String conversation : conversations) {
                if (changed.contains(conversation)) {
                    assertThat(log.of(messages, null, conversation)).as(conversation).isNotEmpty();
                } else {
                    assertThat(log.of(messages, null, conversation)).as(conversation).isEmpty();
                }
            }
            assertThat(before.violations).isEmpty();
            assertThat(after.violations).isEmpty();
            laptop.close();
        }
    }

    @Test
    void aDeviceBackAfterTimeOfflineCatchesUpSeveralConversationsWhosePagesAreCutBySize() throws Exception {
        String reader = Parley.user("reader");
        List<String> writers = List.of(Parley.user("ann"), Parley.user("ben"), Parley.user("cat"));
        List<String> conversations = writers.stream().map(writer -> ConversationId.direct(reader, writer)).toList();
        for (String writer : writers) {
            try (WsClient socket = Parley.connect(writer)) {
                socket.send(reader, "hello", "hello");
            }
        }
        InMemoryCursorStore phoneStore = new InMemoryCursorStore();
        Sdk.App before = new Sdk.App("phone", phoneStore);
        try (ParleyClient phone = Sdk.connect(reader, "phone", before)) {
            for (String conversation : conversations) {
                Sdk.await().until(() -> before.seqs(conversation).equals(List.of(1L)));
            }
        }

        // Offline: ten messages of the largest size in each, far more than one reply of 128 KB holds.
        long oversizedBefore = Parley.runtime().gateway().oversizedReplies();
        for (int w = 0; w < writers.size(); w++) {
            try (WsClient socket = Parley.connect(writers.get(w))) {
                for (int i = 0; i < 10; i++) {
                    assertThat(socket.send(reader, "m" + i, maximumText(w, i)).path("type").asText()).isEqualTo("sent");
                }
            }
            Inbox.awaitApplied(reader, conversations.get(w), 11);
        }

        Sdk.App after = new Sdk.App("phone back", phoneStore);
        try (ParleyClient phone = Sdk.builder(Parley.runtime().websocketUrl(), reader, "phone", after).build()) {
            phone.connect().get(30, TimeUnit.SECONDS);
            // connect() completes once the round and the fetches it started are over.
            for (String conversation : conversations) {
                assertThat(after.seqs(conversation)).as(conversation).isEqualTo(Sdk.storedSeqs(conversation).subList(1, 11));
                assertThat(after.texts(conversation)).allSatisfy(text -> assertThat(text).hasSizeGreaterThan(16_000));
                assertThat(after.unread(conversation)).isEqualTo(11);
            }
            assertThat(after.violations).isEmpty();
        }
        assertThat(Parley.runtime().gateway().oversizedReplies()).isEqualTo(oversizedBefore);
    }

    @Test
    void aMemberRemovedFromAGroupHasItDroppedFromTheListAndGetsNothingMoreOfIt() throws Exception {
        String owner = Parley.user("owner");
        String reader = Parley.user("reader");
        String other = Parley.user("other");
        String group = Sdk.createGroup(owner, List.of(reader, other));
        String direct = ConversationId.direct(owner, reader);
        InMemoryCursorStore phoneStore = new InMemoryCursorStore();
        Sdk.App app = new Sdk.App("reader", phoneStore);
        try (ParleyClient ownerClient = Sdk.connect(owner, "phone", new Sdk.App("owner"));
             ParleyClient phone = Sdk.builder(Parley.runtime().websocketUrl(), reader, "phone", app)
                     .resyncInterval(Duration.ofMillis(300)).build()) {
            phone.connect().get(30, TimeUnit.SECONDS);
            ownerClient.sendText(To.conversation(group), "before").join();
            ownerClient.sendText(To.user(reader), "hi").join();
            Sdk.await().until(() -> app.seqs(group).size() == 1 && app.seqs(direct).size() == 1);
            Sdk.await().until(() -> listed(app).containsAll(List.of(group, direct)));

            ownerClient.removeMember(group, reader).get(30, TimeUnit.SECONDS);
            ownerClient.sendText(To.conversation(group), "after").join();
            Sdk.await().until(() -> !listed(app).contains(group));
            assertThat(listed(app)).contains(direct);
            assertThat(app.texts(group)).containsExactly("before");
        }
        assertThat(app.violations).isEmpty();
    }

    private static List<String> listed(Sdk.App app) {
        return app.conversations.get().stream().map(ConversationSummary::conversationId).toList();
    }

    private static Map<String, AttributeValue> entryKey(String userId, String conversationId) {
        return Map.of(Tables.Inbox.USER_ID, AttributeValue.fromS(userId),
                Tables.Inbox.ITEM, AttributeValue.fromS(Tables.Inbox.entryItem(conversationId)));
    }

    private static void awaitApplied(LocalRuntime runtime, String userId, String conversationId, long seq) {
        Sdk.await().until(() -> {
            Map<String, AttributeValue> entry = runtime.dynamo().getItem(get -> get
                    .tableName(runtime.config().get(Setting.INBOX_TABLE)).key(entryKey(userId, conversationId))
                    .consistentRead(true)).item();
            return entry.containsKey(Tables.Inbox.LAST_SEQ) && Long.parseLong(entry.get(Tables.Inbox.LAST_SEQ).n()) >= seq;
        });
    }

    private static void changedAnHourAgo(LocalRuntime runtime, String userId, String conversationId) {
        runtime.dynamo().updateItem(update -> update.tableName(runtime.config().get(Setting.INBOX_TABLE))
                .key(entryKey(userId, conversationId))
                .updateExpression("SET #changed = :old")
                .expressionAttributeNames(Map.of("#changed", Tables.Inbox.CHANGED_AT))
                .expressionAttributeValues(Map.of(":old",
                        AttributeValue.fromN(Long.toString(System.currentTimeMillis() - 3_600_000)))));
    }

    /** The text of a body of exactly the largest serialized size a send accepts ({"text":"..."}). */
    private static String maximumText(int conversation, int message) {
        String mark = conversation + "-" + message + ":";
        return mark + "x".repeat(FrameCodec.MAX_BODY_BYTES - "{\"text\":\"\"}".length() - mark.length());
    }
}
