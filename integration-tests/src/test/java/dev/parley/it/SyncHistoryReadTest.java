package dev.parley.it;

import static dev.parley.it.support.WsClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.Inbox;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SyncHistoryReadTest {

    private static JsonNode sync(WsClient client, Map<String, Long> cursors, int limit) {
        ObjectNode frame = JSON.createObjectNode().put("action", "sync").put("limit", limit);
        ObjectNode object = frame.putObject("cursors");
        cursors.forEach(object::put);
        JsonNode synced = client.request(frame);
        assertThat(synced.get("type").asText()).as(synced.toString()).isEqualTo("synced");
        return synced;
    }

    private static JsonNode conversation(JsonNode synced, String conversationId) {
        for (JsonNode conversation : synced.get("conversations")) {
            if (conversation.get("conversationId").asText().equals(conversationId)) {
                return conversation;
            }
        }
        throw new AssertionError(conversationId + " not in " + synced);
    }

    private static List<Long> seqs(JsonNode messages) {
        List<Long> seqs = new ArrayList<>();
        messages.forEach(m -> seqs.add(m.get("seq").asLong()));
        return seqs;
    }

    private static void sendMany(WsClient client, String to, int count) {
        for (int i = 1; i <= count; i++) {
            assertThat(client.send(to, "m" + i, "message " + i).get("seq").asLong()).isEqualTo(i);
        }
    }

    @Test
    void aDeviceThatWasOfflineCatchesUpPageByPageWithTheRightUnreadCount() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice)) {
            sendMany(a, bob, 120);
        }
        Inbox.awaitApplied(bob, conversation, 120);
        try (WsClient b = Parley.connect(bob)) {
            List<Long> received = new ArrayList<>();
            long cursor = 0;
            int pages = 0;
            boolean more = true;
            while (more) {
                JsonNode synced = sync(b, Map.of(conversation, cursor), 50);
                JsonNode page = conversation(synced, conversation);
                assertThat(page.get("lastSeq").asLong()).isEqualTo(120);
                assertThat(page.get("unread").asLong()).isEqualTo(120);
                assertThat(synced.get("totalUnread").asLong()).isEqualTo(120);
                assertThat(page.get("kind").asText()).isEqualTo("direct");
                received.addAll(seqs(page.get("messages")));
                page.get("messages").forEach(m -> assertThat(m.get("senderId").asText()).isEqualTo(alice));
                more = page.get("hasMore").asBoolean();
                cursor = received.get(received.size() - 1);
                pages++;
            }
            assertThat(pages).isEqualTo(3);
            assertThat(received).hasSize(120).isSorted().doesNotHaveDuplicates();
            assertThat(received.get(0)).isEqualTo(1);
            assertThat(received.get(119)).isEqualTo(120);
        }
    }

    @Test
    void aNewDeviceGetsTheNewestPageThenPagesBackThroughHistory() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice)) {
            sendMany(a, bob, 30);
        }
        try (WsClient b = Parley.connect(bob, "new-tablet")) {
            JsonNode newest = conversation(sync(b, Map.of(), 10), conversation);
            assertThat(seqs(newest.get("messages"))).containsExactly(21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
            assertThat(newest.get("hasMore").asBoolean()).isTrue();

            List<Long> older = new ArrayList<>();
            long before = 21;
            boolean more = true;
            while (more) {
                JsonNode page = b.request(JSON.createObjectNode().put("action", "history")
                        .put("conversationId", conversation).put("beforeSeq", before).put("limit", 8));
                assertThat(page.get("type").asText()).isEqualTo("history");
                List<Long> pageSeqs = seqs(page.get("messages"));
                assertThat(pageSeqs).isSorted();
                older.addAll(0, pageSeqs);
                more = page.get("hasMore").asBoolean();
                before = pageSeqs.get(0);
            }
            assertThat(older).containsExactlyElementsOf(range(1, 20));

            JsonNode latest = b.request(JSON.createObjectNode().put("action", "history").put("conversationId", conversation));
            assertThat(seqs(latest.get("messages"))).containsExactlyElementsOf(range(1, 30));
            assertThat(latest.get("hasMore").asBoolean()).isFalse();
        }
    }

    @Test
    void gapsAreAbsentFromPagesAndNothingIsSkippedSilently() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice)) {
            a.send(bob, "once", "one");
            // Seq 2 a gap, as the loser of two racing first attempts writes it (a plain resend
            // draws no seq since issue 13, so it no longer makes one).
            drawSeqWithoutStoring(conversation, System.currentTimeMillis());
            declareGap(conversation, 2);
            a.send(bob, "twice", "two");
        }
        Inbox.awaitApplied(bob, conversation, 3);
        try (WsClient b = Parley.connect(bob)) {
            JsonNode page = conversation(sync(b, Map.of(conversation, 0L), 50), conversation);
            assertThat(seqs(page.get("messages"))).containsExactly(1L, 3L);
            assertThat(page.get("lastSeq").asLong()).isEqualTo(3);
            assertThat(page.get("hasMore").asBoolean()).isFalse();
            assertThat(page.get("unread").asLong()).isEqualTo(2);
        }
    }

    @Test
    void aSeqWhoseSendCrashedLongAgoBecomesAGapWhileAYoungOneHoldsThePage() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            a.send(bob, "first", "one");
            drawSeqWithoutStoring(conversation, System.currentTimeMillis() - 60_000); // crashed a minute ago: seq 2
            a.send(bob, "third", "three"); // seq 3, drawn just now
            // Seq 2 is bounded by seq 3's sentAt (now), so it is still young: the page stops before it.
            JsonNode page = conversation(sync(b, Map.of(conversation, 0L), 50), conversation);
            assertThat(seqs(page.get("messages"))).containsExactly(1L);
            assertThat(page.get("hasMore").asBoolean()).isTrue();

            drawSeqWithoutStoring(conversation, System.currentTimeMillis() - 60_000); // seq 4, long ago
            // Now every hole is bounded by lastSeqAt a minute ago: both become gaps.
            page = conversation(sync(b, Map.of(conversation, 0L), 50), conversation);
            assertThat(seqs(page.get("messages"))).containsExactly(1L, 3L);
            assertThat(page.get("hasMore").asBoolean()).isFalse();
            assertThat(Stored.timeline(conversation)).extracting(item -> item.get(Tables.Messages.ENTRY_TYPE).s())
                    .containsExactly("m", "g", "m", "g");
            // And the gap markers were pushed like any timeline entry.
            assertThat(b.await(f -> "gap".equals(f.path("type").asText()) && f.get("seq").asLong() == 4)).isNotNull();
        }
    }

    @Test
    void readMovesForwardOnlyAndReachesTheOtherDevicesAndThePeer() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient bobPhone = Parley.connect(bob, "phone");
             WsClient bobLaptop = Parley.connect(bob, "laptop")) {
            sendMany(a, bob, 5);
            bobPhone.send(alice, "reply", "ok"); // seq 6, Bob's own: never unread for him
            Inbox.awaitApplied(bob, conversation, 6);
            bobPhone.sendText(JSON.createObjectNode().put("action", "read").put("conversationId", conversation)
                    .put("seq", 4).toString());

            JsonNode onLaptop = bobLaptop.await(f -> "read".equals(f.path("type").asText()));
            JsonNode atAlice = a.await(f -> "read".equals(f.path("type").asText()));
            for (JsonNode receipt : List.of(onLaptop, atAlice)) {
                assertThat(receipt.get("conversationId").asText()).isEqualTo(conversation);
                assertThat(receipt.get("userId").asText()).isEqualTo(bob);
                assertThat(receipt.get("seq").asLong()).isEqualTo(4);
            }
            JsonNode page = conversation(sync(bobLaptop, Map.of(conversation, 6L), 50), conversation);
            assertThat(page.get("readSeq").asLong()).isEqualTo(4);
            assertThat(page.get("unread").asLong()).isEqualTo(1);

            // Backwards: ignored, and nobody is told.
            bobPhone.sendText(JSON.createObjectNode().put("action", "read").put("conversationId", conversation)
                    .put("seq", 2).toString());
            assertThat(bobPhone.heartbeat().get("type").asText()).isEqualTo("pong");
            assertThat(conversation(sync(bobLaptop, Map.of(conversation, 6L), 50), conversation).get("readSeq").asLong())
                    .isEqualTo(4);
            // Past the newest seq: capped at it.
            bobPhone.sendText(JSON.createObjectNode().put("action", "read").put("conversationId", conversation)
                    .put("seq", 1_000).toString());
            assertThat(a.awaitCount(f -> "read".equals(f.path("type").asText()), 2).get(1).get("seq").asLong()).isEqualTo(6);
            JsonNode synced = sync(bobLaptop, Map.of(conversation, 6L), 50);
            assertThat(conversation(synced, conversation).get("unread").asLong()).isZero();
            assertThat(synced.get("totalUnread").asLong()).isZero();
        }
    }

    @Test
    void totalUnreadIsTheSumOverConversations() {
        String bob = Parley.user("bob");
        String alice = Parley.user("alice");
        String carol = Parley.user("carol");
        try (WsClient a = Parley.connect(alice); WsClient c = Parley.connect(carol)) {
            sendMany(a, bob, 3);
            sendMany(c, bob, 4);
        }
        Inbox.awaitApplied(bob, ConversationId.direct(alice, bob), 3);
        Inbox.awaitApplied(bob, ConversationId.direct(carol, bob), 4);
        try (WsClient b = Parley.connect(bob)) {
            JsonNode synced = sync(b, Map.of(), 50);
            assertThat(conversation(synced, ConversationId.direct(alice, bob)).get("unread").asLong()).isEqualTo(3);
            assertThat(conversation(synced, ConversationId.direct(carol, bob)).get("unread").asLong()).isEqualTo(4);
            assertThat(synced.get("totalUnread").asLong()).isEqualTo(7);
        }
    }

    @Test
    void ackIsRecordedPerDeviceAndNeverMovesBack() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob, "phone")) {
            sendMany(a, bob, 3);
            b.sendText(JSON.createObjectNode().put("action", "ack").put("conversationId", conversation).put("seq", 3).toString());
            b.sendText(JSON.createObjectNode().put("action", "ack").put("conversationId", conversation).put("seq", 1).toString());
            assertThat(b.heartbeat().get("type").asText()).isEqualTo("pong");
            // In bob's own partition of the sync store, never on the conversation's key.
            org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(Inbox.ack(bob, "phone", conversation)).isEqualTo(3));
            var runtime = Parley.runtime();
            assertThat(runtime.dynamo().getItem(g -> g.tableName(runtime.config().get(Setting.CONVERSATIONS_TABLE))
                    .key(Map.of(Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(conversation),
                            Tables.Conversations.ITEM, AttributeValue.fromS("d#" + bob + "#phone")))
                    .consistentRead(true)).hasItem()).isFalse();
        }
    }

    @Test
    void strangersCannotSyncOrPageOrMarkOthersConversations() {
        String mallory = Parley.user("mallory");
        String theirs = ConversationId.direct(Parley.user("alice"), Parley.user("bob"));
        try (WsClient m = Parley.connect(mallory)) {
            assertThat(m.request(JSON.createObjectNode().put("action", "history").put("conversationId", theirs))
                    .get("code").asText()).isEqualTo("NOT_MEMBER");
            // A cursor for a conversation one is not (or no longer) in is left out of the reply.
            JsonNode synced = sync(m, Map.of(theirs, 0L), 50);
            assertThat(synced.get("conversations")).isEmpty();
            assertThat(m.request(JSON.createObjectNode().put("action", "read").put("conversationId", theirs).put("seq", 1))
                    .get("code").asText()).isEqualTo("NOT_MEMBER");
            assertThat(m.request(JSON.createObjectNode().put("action", "history").put("conversationId", "grp:nope"))
                    .get("code").asText()).isEqualTo("NOT_FOUND");
        }
    }

    /** What a send that crashed right after drawing its seq leaves behind. */
    private static void drawSeqWithoutStoring(String conversationId, long drawnAt) {
        var runtime = Parley.runtime();
        runtime.dynamo().updateItem(u -> u.tableName(runtime.config().get(Setting.CONVERSATIONS_TABLE))
                .key(Map.of(Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(conversationId),
                        Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.META_ITEM)))
                .updateExpression("ADD lastSeq :one SET lastSeqAt = :at")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":at", AttributeValue.fromN(Long.toString(drawnAt)))));
    }

    private static void declareGap(String conversationId, long seq) {
        var runtime = Parley.runtime();
        runtime.dynamo().putItem(p -> p.tableName(runtime.config().get(Setting.MESSAGES_TABLE)).item(Map.of(
                Tables.Messages.CONVERSATION_ID, AttributeValue.fromS(conversationId),
                Tables.Messages.SEQ, AttributeValue.fromN(Long.toString(seq)),
                Tables.Messages.ENTRY_TYPE, AttributeValue.fromS(Tables.Messages.TYPE_GAP))));
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            values.add(v);
        }
        return values;
    }
}
