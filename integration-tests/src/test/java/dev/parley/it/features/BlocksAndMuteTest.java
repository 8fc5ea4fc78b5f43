package dev.parley.it.features;

import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Protocol v2's blocks and mute over real sockets and HTTP: a blocked sender's writes are refused
 * with {@code BLOCKED} and store nothing (no seq drawn), the blocker's presence is hidden from them,
 * and a muted conversation sends no notification but for a mention.
 */
class BlocksAndMuteTest {

    private static Predicate<JsonNode> presenceOf(String user) {
        return f -> "presence".equals(f.path("type").asText()) && user.equals(f.path("userId").asText());
    }

    private static JsonNode presence(Api api, String user) {
        return api.get("/presence?users=" + user).body().get("presence").get(0);
    }

    @Test
    void aBlockedSenderIsRefusedInTheDirectConversationAndStoresNothingUntilUnblocked() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String direct = ConversationId.direct(alice, bob);
        Api aliceApi = Api.as(alice);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            MessageEventsTest.ok(b.send(alice, "before", "hi alice"));
            assertThat(aliceApi.put("/blocks/" + bob, "").status()).isEqualTo(204);
            assertThat(aliceApi.put("/blocks/" + bob, "").status()).as("blocking again").isEqualTo(204);
            Api.Reply list = aliceApi.get("/blocks");
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body().get("blocked")).extracting(JsonNode::asText).containsExactly(bob);
            assertThat(Api.as(bob).get("/blocks").body().get("blocked")).isEmpty();

            long lastSeq = Stored.items().lastSeq(direct).orElseThrow();
            int stored = Stored.timeline(direct).size();
            refusedAsBlocked(b.send(alice, "after", "still there?"));
            refusedAsBlocked(b.send(alice, "after", "still there?")); // its retry too
            refusedAsBlocked(MessageEventsTest.edit(b, direct, 1, "edit-1", "hi alice!"));
            refusedAsBlocked(MessageEventsTest.react(b, direct, 1, "react-1", "👋", false));
            assertThat(Stored.items().lastSeq(direct)).contains(lastSeq);
            assertThat(Stored.timeline(direct)).hasSize(stored);
            assertThat(b.heartbeat().get("type").asText()).as("the connection stays open").isEqualTo("pong");

            // The blocker still writes; the blocked user may still take back what they sent.
            MessageEventsTest.ok(a.send(bob, "reply", "please stop"));
            MessageEventsTest.ok(MessageEventsTest.delete(b, direct, 1, "delete-1"));
            a.awaitCount(messageIn(direct), 1);

            assertThat(aliceApi.delete("/blocks/" + bob).status()).isEqualTo(204);
            assertThat(aliceApi.delete("/blocks/" + bob).status()).as("unblocking again").isEqualTo(204);
            assertThat(aliceApi.get("/blocks").body().get("blocked")).isEmpty();
            JsonNode sent = MessageEventsTest.ok(b.send(alice, "after", "still there?"));
            assertThat(a.await(f -> messageIn(direct).test(f) && f.path("seq").asLong() == sent.get("seq").asLong())
                    .get("body").get("text").asText()).isEqualTo("still there?");
        }
    }

    @Test
    void blockingIsRefusedForOneselfAndForBadIdsAndNeedsAToken() {
        String carol = Parley.user("carol");
        Api api = Api.as(carol);
        for (String path : List.of("/blocks/" + carol, "/blocks/bad%20id")) {
            Api.Reply reply = api.put(path, "");
            assertThat(reply.status()).as(path).isEqualTo(400);
            assertThat(reply.body().get("code").asText()).isEqualTo("BAD_REQUEST");
        }
        assertThat(api.get("/blocks").body().get("blocked")).isEmpty();
        assertThat(new Api(Parley.runtime().httpUrl(), null).put("/blocks/someone", "").status()).isEqualTo(401);
    }

    @Test
    void theBlockersPresenceIsHiddenFromTheBlockedUserOnly() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        try (WsClient b = Parley.connect(bob); WsClient c = Parley.connect(carol)) {
            // Both are alice's direct peers before she ever connects; then she blocks bob.
            MessageEventsTest.ok(b.send(alice, "hi-b", "hi"));
            MessageEventsTest.ok(c.send(alice, "hi-c", "hi"));
            assertThat(Api.as(alice).put("/blocks/" + bob, "").status()).isEqualTo(204);
            try (WsClient a = Parley.connect(alice)) {
                assertThat(c.await(presenceOf(alice)).get("online").asBoolean()).isTrue();
                // Alice's "online" is posted by one publish to every peer it goes to, together; it
                // reached carol, so a post to bob would have been made too, and bob's pong comes
                // after anything posted to him before it.
                b.heartbeat();
                assertThat(b.received(presenceOf(alice)).stream().filter(f -> f.get("online").asBoolean()))
                        .as("bob is not told alice is online").isEmpty();
                JsonNode hidden = presence(Api.as(bob), alice);
                assertThat(hidden.get("online").asBoolean()).isFalse();
                assertThat(hidden.get("lastActiveAt").asLong()).isZero();
                assertThat(presence(Api.as(carol), alice).get("online").asBoolean()).isTrue();
                assertThat(presence(Api.as(alice), bob).get("online").asBoolean()).as("the blocker still sees").isTrue();
            }
        }
    }

    @Test
    void aBlockTellsTheBlockedUserTheBlockerIsOfflineAndUnblockingTellsThemTheTruth() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            MessageEventsTest.ok(a.send(bob, "hi", "hi"));
            assertThat(Api.as(alice).put("/blocks/" + bob, "").status()).isEqualTo(204);
            // (Alice's "online" may come first: her connect's publish runs after her send made them peers.)
            JsonNode concealed = b.await(f -> presenceOf(alice).test(f) && !f.get("online").asBoolean());
            assertThat(concealed.get("online").asBoolean()).isFalse();
            assertThat(concealed.get("lastActiveAt").asLong()).isZero();

            java.util.function.Predicate<JsonNode> online = f -> presenceOf(alice).test(f) && f.get("online").asBoolean();
            int onlineBefore = b.received(online).size();
            assertThat(Api.as(alice).delete("/blocks/" + bob).status()).isEqualTo(204);
            List<JsonNode> onlines = b.awaitCount(online, onlineBefore + 1);
            JsonNode revealed = onlines.get(onlines.size() - 1);
            assertThat(revealed.get("lastActiveAt").asLong()).isPositive();
            // Bob's own "online" may reach alice (his connect's publish runs after her send made them
            // peers); neither the block nor the unblock tells her anything about him.
            assertThat(a.received(presenceOf(bob)).stream().filter(f -> !f.get("online").asBoolean()
                    || f.get("lastActiveAt").asLong() == 0)).as("alice is told nothing about bob").isEmpty();
        }
    }

    @Test
    void aMutedConversationSendsNoNotificationButAMentionStillDoes() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String direct = ConversationId.direct(alice, bob);
        Api bobApi = Api.as(bob);
        assertThat(bobApi.put("/devices/phone", "{\"platform\":\"apns\",\"pushToken\":\"a1b2c3d4e5f6a7b8\"}").status())
                .isEqualTo(204);
        Api.Reply muted = bobApi.put("/conversations/" + direct + "/settings", "{\"muted\":true}");
        assertThat(muted.status()).isEqualTo(200);
        assertThat(muted.body().get("conversationId").asText()).isEqualTo(direct);
        assertThat(muted.body().get("muted").asBoolean()).isTrue();
        assertThat(bobApi.put("/conversations/" + direct + "/settings", "{\"muted\":true}").status())
                .as("muting again").isEqualTo(200);
        try (WsClient a = Parley.connect(alice)) {
            MessageEventsTest.ok(a.send(bob, "quiet", "no buzz for this"));
            ObjectNode mention = WsClient.JSON.createObjectNode().put("action", "send").put("to", bob)
                    .put("clientMsgId", "loud");
            mention.putObject("body").put("text", "@bob look").putArray("mentions").add(bob);
            long mentionSeq = MessageEventsTest.ok(a.request(mention)).get("seq").asLong();

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notificationsOf(bob).size() >= 1);
            assertThat(bobApi.put("/conversations/" + direct + "/settings", "{\"muted\":false}").body()
                    .get("muted").asBoolean()).isFalse();
            long loudSeq = MessageEventsTest.ok(a.send(bob, "unmuted", "buzz again")).get("seq").asLong();
            // Notifications of one conversation go out in seq order: once the one after unmuting is
            // there, the muted message's would have been too.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seqs(notificationsOf(bob)).contains(loudSeq));
            assertThat(seqs(notificationsOf(bob))).containsExactly(mentionSeq, loudSeq);
        }
        JsonNode sync = syncStates(bob);
        assertThat(stateOf(sync, direct).map(state -> state.get("muted").asBoolean())).contains(false);
    }

    @Test
    void muteIsForMembersAndTakesABoolean() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String mallory = Parley.user("mallory");
        String direct = ConversationId.direct(alice, bob);
        Api.Reply outsider = Api.as(mallory).put("/conversations/" + direct + "/settings", "{\"muted\":true}");
        assertThat(outsider.status()).isEqualTo(403);
        assertThat(outsider.body().get("code").asText()).isEqualTo("NOT_MEMBER");
        for (String body : List.of("{}", "{\"muted\":\"yes\"}", "{\"muted\":1}", "not json")) {
            Api.Reply reply = Api.as(alice).put("/conversations/" + direct + "/settings", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.body().get("code").asText()).isEqualTo("BAD_REQUEST");
        }
        assertThat(Api.as(alice).put("/conversations/nonsense/settings", "{\"muted\":true}").status()).isEqualTo(400);
        // A direct conversation without a message yet: the setting is kept for when it starts.
        assertThat(Api.as(alice).put("/conversations/" + direct + "/settings", "{\"muted\":true}").status()).isEqualTo(200);
        assertThat(stateOf(syncStates(alice), direct).map(state -> state.get("muted").asBoolean())).contains(true);
        assertThat(stateOf(syncStates(mallory), direct)).isEmpty();
    }

    /** A v2 sync from scratch: every conversation state of the user. */
    static JsonNode syncStates(String user) {
        try (WsClient device = Parley.connect(user)) {
            return device.request(WsClient.JSON.createObjectNode().put("action", "sync").put("since", ""));
        }
    }

    static Optional<JsonNode> stateOf(JsonNode synced, String conversationId) {
        for (JsonNode state : synced.get("conversations")) {
            if (conversationId.equals(state.get("conversationId").asText())) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    private static void refusedAsBlocked(JsonNode reply) {
        assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("error");
        assertThat(reply.get("code").asText()).isEqualTo("BLOCKED");
    }

    private static List<Long> seqs(JsonNode notifications) {
        List<Long> seqs = new ArrayList<>();
        notifications.forEach(notification -> seqs.add(notification.get("seq").asLong()));
        return seqs;
    }

    private static JsonNode notificationsOf(String userId) {
        return Parley.notificationsOf(userId);
    }
}
