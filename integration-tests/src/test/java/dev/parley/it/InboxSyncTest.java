package dev.parley.it;

import static dev.parley.it.support.WsClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Inbox;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The sync store over real sockets: the v2 single-cursor {@code sync}, the paged conversation
 * list, and unread counts that stay exact while messages and reads race.
 */
class InboxSyncTest {

    /** One v2 sync pass: every page until {@code hasMore} is false; returns the conversations by id and the cursor. */
    private record Pass(Map<String, JsonNode> conversations, String cursor, int pages) {}

    private static Pass syncPass(WsClient client, String since, int pageSize) {
        Map<String, JsonNode> conversations = new LinkedHashMap<>();
        String cursor = since;
        int pages = 0;
        boolean more = true;
        while (more) {
            JsonNode synced = client.request(JSON.createObjectNode().put("action", "sync").put("since", cursor)
                    .put("pageSize", pageSize));
            assertThat(synced.get("type").asText()).as(synced.toString()).isEqualTo("synced");
            assertThat(synced.get("conversations").size()).isLessThanOrEqualTo(pageSize);
            synced.get("conversations").forEach(c -> conversations.put(c.get("conversationId").asText(), c));
            cursor = synced.get("cursor").asText();
            more = synced.get("hasMore").asBoolean();
            pages++;
        }
        return new Pass(conversations, cursor, pages);
    }

    @Test
    void aDeviceSyncsEveryConversationWithOneCursorPageByPageThenOnlyWhatChanged() {
        String me = Parley.user("me");
        List<String> friends = List.of(Parley.user("ann"), Parley.user("ben"), Parley.user("cat"), Parley.user("dan"));
        String group = Api.as(friends.get(0)).createGroup("club", me, friends.get(1));
        for (int i = 0; i < friends.size(); i++) {
            try (WsClient friend = Parley.connect(friends.get(i))) {
                for (int m = 0; m <= i; m++) {
                    friend.send(me, "d" + m, "hello " + m);
                }
            }
            Inbox.awaitApplied(me, ConversationId.direct(friends.get(i), me), i + 1);
        }
        try (WsClient ann = Parley.connect(friends.get(0))) {
            var mention = JSON.createObjectNode().put("action", "send").put("conversationId", group).put("clientMsgId", "g1");
            mention.putObject("body").put("text", "welcome @me").putArray("mentions").add(me);
            assertThat(ann.request(mention).get("type").asText()).isEqualTo("sent");
        }
        Inbox.awaitApplied(me, group, 1);

        try (WsClient phone = Parley.connect(me, "phone")) {
            Pass first = syncPass(phone, "", 2);
            assertThat(first.pages()).isEqualTo(3);
            assertThat(first.conversations()).hasSize(5);
            for (int i = 0; i < friends.size(); i++) {
                JsonNode direct = first.conversations().get(ConversationId.direct(friends.get(i), me));
                assertThat(direct.get("kind").asText()).isEqualTo("direct");
                assertThat(direct.get("unread").asLong()).isEqualTo(i + 1);
                assertThat(direct.get("lastSeq").asLong()).isEqualTo(i + 1);
                assertThat(direct.get("peerReadSeq").asLong()).isZero();
                assertThat(direct.get("messages")).isEmpty();
            }
            JsonNode club = first.conversations().get(group);
            assertThat(club.get("name").asText()).isEqualTo("club");
            assertThat(club.get("unread").asLong()).isEqualTo(1);
            assertThat(club.get("unreadMentions").asLong()).isEqualTo(1);
            assertThat(club.has("peerReadSeq")).isFalse();

            // Ben writes again; the next sync from the cursor lists his conversation with its new state
            // (changes of the last minute may be listed again: the state is simply the newest).
            try (WsClient ben = Parley.connect(friends.get(1))) {
                ben.send(me, "again", "still there?");
            }
            String withBen = ConversationId.direct(friends.get(1), me);
            Inbox.awaitApplied(me, withBen, 3);
            Pass next = syncPass(phone, first.cursor(), 100);
            assertThat(next.conversations().get(withBen).get("unread").asLong()).isEqualTo(3);
            assertThat(next.conversations().get(withBen).get("lastSeq").asLong()).isEqualTo(3);

            // With messages: the newest page of each listed conversation.
            JsonNode withMessages = phone.request(JSON.createObjectNode().put("action", "sync").put("since", "")
                    .put("limit", 2).put("pageSize", 100));
            for (JsonNode conversation : withMessages.get("conversations")) {
                if (conversation.get("conversationId").asText().equals(withBen)) {
                    assertThat(conversation.get("messages")).extracting(m -> m.get("seq").asLong()).containsExactly(2L, 3L);
                    assertThat(conversation.get("hasMore").asBoolean()).isTrue();
                }
            }

            // A cursor the server never gave out, or both forms at once, is refused; the v1 form still works.
            assertThat(phone.request(JSON.createObjectNode().put("action", "sync").put("since", "not-ours"))
                    .get("code").asText()).isEqualTo("BAD_REQUEST");
            var both = JSON.createObjectNode().put("action", "sync").put("since", "");
            both.putObject("cursors");
            assertThat(phone.request(both).get("code").asText()).isEqualTo("BAD_REQUEST");
            JsonNode v1 = phone.request(JSON.createObjectNode().put("action", "sync"));
            assertThat(v1.get("conversations")).hasSize(5);
            assertThat(v1.get("totalUnread").asLong()).isEqualTo(1 + 3 + 3 + 4 + 1);
        }
    }

    @Test
    void theConversationListIsPagedNewestActivityFirstWithReadReceipts() {
        String me = Parley.user("me");
        List<String> friends = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            friends.add(Parley.user("f" + i));
        }
        for (String friend : friends) {
            try (WsClient f = Parley.connect(friend)) {
                f.send(me, "hi", "hi from " + friend);
            }
            Inbox.awaitApplied(me, ConversationId.direct(friend, me), 1);
        }
        // f0 reads my reply: my entry shows how far the peer has read.
        String withF0 = ConversationId.direct(friends.get(0), me);
        try (WsClient mine = Parley.connect(me); WsClient f0 = Parley.connect(friends.get(0))) {
            mine.send(friends.get(0), "reply", "hello");
            f0.sendText(JSON.createObjectNode().put("action", "read").put("conversationId", withF0).put("seq", 2).toString());
            f0.heartbeat();
        }
        Inbox.awaitApplied(me, withF0, 2);
        // A read is one-way and may still be running beside the heartbeat (the gateway runs several
        // invocations of a connection at once): wait for it to reach my entry.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Inbox.entry(me, withF0)).as("my entry's peerReadSeq")
                        .containsKey(dev.parley.model.tables.Tables.Inbox.PEER_READ_SEQ)
                        .extractingByKey(dev.parley.model.tables.Tables.Inbox.PEER_READ_SEQ)
                        .extracting(value -> Long.parseLong(value.n())).isEqualTo(2L));

        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String path = "/conversations?limit=2" + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            Api.Reply page = Api.as(me).get(path);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            long sum = 0;
            for (JsonNode conversation : page.body().get("conversations")) {
                listed.add(conversation.get("conversationId").asText());
                sum += conversation.get("unread").asLong();
                if (conversation.get("conversationId").asText().equals(withF0)) {
                    assertThat(conversation.get("peerReadSeq").asLong()).isEqualTo(2);
                    assertThat(conversation.get("unread").asLong()).isEqualTo(1);
                    assertThat(conversation.get("lastSeq").asLong()).isEqualTo(2);
                }
            }
            assertThat(page.body().get("totalUnread").asLong()).isEqualTo(sum);
            cursor = page.body().has("cursor") ? page.body().get("cursor").asText() : null;
            pages++;
        } while (cursor != null);

        // My reply made the conversation with f0 the most recent; the others follow newest first.
        assertThat(listed).containsExactly(withF0, ConversationId.direct(friends.get(4), me),
                ConversationId.direct(friends.get(3), me), ConversationId.direct(friends.get(2), me),
                ConversationId.direct(friends.get(1), me));
        assertThat(pages).isBetween(3, 4);
        assertThat(Api.as(me).get("/conversations?cursor=garbage").status()).isEqualTo(400);
    }

    @Test
    void unreadStaysExactWhileMessagesAndReadsRace() throws Exception {
        String bob = Parley.user("bob");
        String alice = Parley.user("alice");
        String carol = Parley.user("carol");
        String group = Api.as(alice).createGroup("race", bob, carol);
        int each = 30;
        AtomicLong bobRead = new AtomicLong();
        try (WsClient a = Parley.connect(alice); WsClient c = Parley.connect(carol);
             WsClient b = Parley.connect(bob, "phone")) {
            CompletableFuture<Void> fromAlice = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < each; i++) {
                    a.sendTo(group, "a" + i, "alice " + i);
                }
            });
            CompletableFuture<Void> fromCarol = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < each; i++) {
                    c.sendTo(group, "c" + i, "carol " + i);
                }
            });
            // Bob reads whatever he has been pushed, as a chat screen does, while the sends go on;
            // and sends a few of his own (never unread for him).
            for (int i = 0; i < 10; i++) {
                List<JsonNode> pushed = b.received(WsClient.messageIn(group));
                if (!pushed.isEmpty()) {
                    long seq = pushed.stream().mapToLong(m -> m.get("seq").asLong()).max().orElse(0);
                    b.sendText(JSON.createObjectNode().put("action", "read").put("conversationId", group)
                            .put("seq", seq).toString());
                    bobRead.accumulateAndGet(seq, Math::max);
                }
                b.sendTo(group, "b" + i, "bob " + i);
            }
            CompletableFuture.allOf(fromAlice, fromCarol).get();
            b.heartbeat();
        }
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> stored = Stored.messages(group);
        long lastSeq = stored.stream().mapToLong(item -> Long.parseLong(item.get("seq").n())).max().orElseThrow();
        Inbox.awaitApplied(bob, group, lastSeq);
        long readSeq = Long.parseLong(Inbox.entry(bob, group).get("readSeq").n());
        assertThat(readSeq).isEqualTo(bobRead.get());
        long expected = stored.stream().filter(item -> Long.parseLong(item.get("seq").n()) > readSeq
                && !item.get("senderId").s().equals(bob)).count();

        try (WsClient b = Parley.connect(bob, "laptop")) {
            JsonNode v2 = syncPass(b, "", 100).conversations().get(group);
            assertThat(v2.get("unread").asLong()).isEqualTo(expected);
            assertThat(v2.get("readSeq").asLong()).isEqualTo(readSeq);
            JsonNode v1 = b.request(JSON.createObjectNode().put("action", "sync"));
            assertThat(v1.get("totalUnread").asLong()).isEqualTo(expected);
        }
        for (JsonNode conversation : Api.as(bob).get("/conversations?limit=10").body().get("conversations")) {
            assertThat(conversation.get("unread").asLong()).isEqualTo(expected);
        }
        // Reading to the end leaves nothing unread, everywhere.
        try (WsClient b = Parley.connect(bob, "phone")) {
            b.sendText(JSON.createObjectNode().put("action", "read").put("conversationId", group).put("seq", lastSeq).toString());
            b.heartbeat();
        }
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(Api.as(bob).get("/conversations").body().get("totalUnread").asLong()).isZero());
    }

    @Test
    void aGroupIsListedFromItsCreationAndARemovedMemberLearnsItBySync() {
        String owner = Parley.user("owner");
        String guest = Parley.user("guest");
        String group = Api.as(owner).createGroup("fresh", guest);
        try (WsClient g = Parley.connect(guest, "phone")) {
            assertThat(syncPass(g, "", 100).conversations().get(group)).as("the group before its first message")
                    .isNotNull();
            // Its creation is an entry of its timeline, applied by fan-out a moment after the entry was made.
            JsonNode listed = org.awaitility.Awaitility.await().until(() -> syncPass(g, "", 100).conversations().get(group),
                    conversation -> conversation.get("lastSeq").asLong() == 1);
            assertThat(listed.get("name").asText()).isEqualTo("fresh");
            assertThat(listed.get("lastSeq").asLong()).as("its creation, an entry of its timeline").isEqualTo(1);
            assertThat(listed.get("unread").asLong()).as("a membership entry is never unread").isZero();
            assertThat(listed.get("admin").asBoolean()).as("the guest is no admin").isFalse();
            assertThat(listed.has("left")).isFalse();
            String cursor = syncPass(g, "", 100).cursor();

            assertThat(Api.as(owner).delete("/groups/" + group + "/members/" + guest).status()).isEqualTo(204);

            JsonNode gone = syncPass(g, cursor, 100).conversations().get(group);
            assertThat(gone.get("left").asBoolean()).isTrue();
            assertThat(gone.get("unread").asLong()).isZero();
        }
        assertThat(Api.as(guest).get("/conversations?limit=10").body().get("conversations")).isEmpty();
    }

    @Test
    void acksLiveInTheUsersPartitionAndAnAnonymousDeviceTakesThemAlongWhenItDisconnects() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice)) {
            a.send(bob, "x1", "hi");
        }
        // No deviceId: the connection id is the device id.
        try (WsClient anonymous = WsClient.connect(Parley.runtime().websocketUrl(), Parley.token(bob, null))) {
            anonymous.sendText(JSON.createObjectNode().put("action", "ack").put("conversationId", conversation)
                    .put("seq", 1).toString());
            anonymous.heartbeat();
            // The ack is one-way and may run beside the heartbeat: let it land before the device
            // goes (an ack that ran after the disconnect would stay until it expires).
            org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(acksOf(bob)).hasSize(1));
        }
        try (WsClient phone = Parley.connect(bob, "phone")) {
            phone.sendText(JSON.createObjectNode().put("action", "ack").put("conversationId", conversation)
                    .put("seq", 1).toString());
            phone.heartbeat();
        }
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(acksOf(bob)).containsExactly("phone"));
    }

    /** The device ids of the user's ack items, read strongly consistently. */
    private static List<String> acksOf(String user) {
        var runtime = Parley.runtime();
        return runtime.dynamo().query(q -> q.tableName(runtime.config().get(dev.parley.model.config.Setting.INBOX_TABLE))
                        .keyConditionExpression("userId = :u AND begins_with(#item, :k)")
                        .expressionAttributeNames(Map.of("#item", "item"))
                        .expressionAttributeValues(Map.of(":u", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(user),
                                ":k", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("k#")))
                        .consistentRead(true)).items()
                .stream().map(item -> item.get("deviceId").s()).toList();
    }
}
