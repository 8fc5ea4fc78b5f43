package dev.parley.it.features;

import static dev.parley.it.features.MessageEventsTest.code;
import static dev.parley.it.features.MessageEventsTest.ok;
import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Inbox;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Protocol v2's replies, mentions and typing over real sockets, with their refusals. */
class RepliesMentionsTypingTest {

    @Test
    void aReplyNamesAMessageOfTheConversationAndAnythingElseIsRefusedWithNothingStored() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob); WsClient c = Parley.connect(carol)) {
            a.send(bob, "m1", "pizza?");
            ok(reply(b, conversation, "m2", "yes!", 1));
            JsonNode heard = a.await(f -> messageIn(conversation).test(f) && f.get("seq").asLong() == 2);
            assertThat(heard.get("replyTo").asLong()).isEqualTo(1);

            ok(MessageEventsTest.react(a, conversation, 2, "r1", "🍕", false)); // seq 3: an event
            assertThat(code(reply(b, conversation, "x1", "to an event", 3))).isEqualTo("NOT_FOUND");
            assertThat(code(reply(b, conversation, "x2", "to the future", 50))).isEqualTo("NOT_FOUND");
            String other = ConversationId.direct(alice, carol);
            c.send(alice, "o1", "elsewhere");
            assertThat(code(reply(a, conversation, "x3", "seq of another conversation", 4))).isEqualTo("NOT_FOUND");
            ObjectNode zero = replyFrame(b, conversation, "x4", "zero", 0);
            assertThat(code(b.request(zero))).isEqualTo("BAD_REQUEST");
            assertThat(Stored.items().lastSeq(conversation)).contains(3L);
            assertThat(Stored.items().lastSeq(other)).contains(1L);

            JsonNode history = b.request(WsClient.JSON.createObjectNode().put("action", "history")
                    .put("conversationId", conversation));
            assertThat(history.get("messages").get(1).get("replyTo").asLong()).isEqualTo(1);
        }
    }

    @Test
    void mentionsNameMembersOnlyAndCountInTheMentionedMembersUnreadMentions() {
        String owner = Parley.user("owner");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String stranger = Parley.user("stranger");
        String group = Api.as(owner).createGroup("mentions", bob, carol);
        try (WsClient o = Parley.connect(owner)) {
            ok(o.request(mention(group, "m1", "@bob look", bob)));
            ok(o.request(mention(group, "m2", "@bob @carol", bob, carol)));
            ok(o.request(mention(group, "m3", "no one", new String[0])));
            assertThat(code(o.request(mention(group, "x1", "@stranger", stranger)))).isEqualTo("BAD_REQUEST");
            assertThat(code(o.request(mention(group, "x2", "not a list", (String[]) null)))).isEqualTo("BAD_REQUEST");
            assertThat(Stored.items().lastSeq(group)).as("seq 1 is the group's creation").contains(4L);

            Inbox.awaitApplied(bob, group, 4);
            Inbox.awaitApplied(carol, group, 4);
            assertThat(listed(bob, group).get("unreadMentions").asLong()).isEqualTo(2);
            assertThat(listed(carol, group).get("unreadMentions").asLong()).isEqualTo(1);
            assertThat(listed(bob, group).get("unread").asLong()).isEqualTo(3);
        }
    }

    @Test
    void typingReachesTheOtherMembersLiveConnectionsOnlyAndUsesNoSeq() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient alicePhone = Parley.connect(alice, "phone");
             WsClient aliceLaptop = Parley.connect(alice, "laptop");
             WsClient b = Parley.connect(bob);
             WsClient c = Parley.connect(carol)) {
            alicePhone.send(bob, "m1", "hi");
            alicePhone.sendText(typing(conversation, "start").toString());
            JsonNode started = b.await(typingIn(conversation));
            assertThat(started.get("userId").asText()).isEqualTo(alice);
            assertThat(started.get("state").asText()).isEqualTo("start");
            assertThat(started.has("seq")).isFalse();
            alicePhone.sendText(typing(conversation, "stop").toString());
            assertThat(b.awaitCount(typingIn(conversation), 2).get(1).get("state").asText()).isEqualTo("stop");

            // Not a member: refused; a bad state: refused; the connection stays usable.
            assertThat(code(c.request(typing(conversation, "start")))).isEqualTo("NOT_MEMBER");
            assertThat(code(alicePhone.request(typing(conversation, "maybe")))).isEqualTo("BAD_REQUEST");
            // The typist's own devices hear nothing of it (ordered after a later push to be sure).
            assertThat(b.sendTo(conversation, "m2", "hey").get("seq").asLong()).as("no seq used by typing").isEqualTo(2);
            aliceLaptop.await(f -> messageIn(conversation).test(f) && f.get("seq").asLong() == 2);
            assertThat(aliceLaptop.received(typingIn(conversation))).isEmpty();
            assertThat(c.received(typingIn(conversation))).isEmpty();
        }
    }

    @Test
    void typingIsRateLimitedPerUserAndConversation() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            // A burst of 5, then one a second: 30 signals sent at once cannot all pass, however slow the machine.
            for (int i = 0; i < 30; i++) {
                a.sendText(typing(conversation, "start").put("requestId", "t" + i).toString());
            }
            JsonNode limited = a.await(f -> "error".equals(f.path("type").asText()));
            assertThat(limited.get("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(limited.get("retryAfterMs").asLong()).isPositive();
            assertThat(b.await(typingIn(conversation)).get("userId").asText()).isEqualTo(alice);
        }
    }

    // ------------------------------------------------------------------ frames

    private static JsonNode reply(WsClient client, String conversationId, String clientMsgId, String text, long replyTo) {
        return client.request(replyFrame(client, conversationId, clientMsgId, text, replyTo));
    }

    private static ObjectNode replyFrame(WsClient client, String conversationId, String clientMsgId, String text, long replyTo) {
        ObjectNode frame = WsClient.JSON.createObjectNode().put("action", "send").put("conversationId", conversationId)
                .put("clientMsgId", clientMsgId).put("replyTo", replyTo);
        frame.putObject("body").put("text", text);
        return frame;
    }

    private static ObjectNode mention(String conversationId, String clientMsgId, String text, String... userIds) {
        ObjectNode frame = WsClient.JSON.createObjectNode().put("action", "send").put("conversationId", conversationId)
                .put("clientMsgId", clientMsgId);
        ObjectNode body = frame.putObject("body").put("text", text);
        if (userIds == null) {
            body.put("mentions", "everyone");
        } else {
            var list = body.putArray("mentions");
            for (String userId : userIds) {
                list.add(userId);
            }
        }
        return frame;
    }

    private static ObjectNode typing(String conversationId, String state) {
        return WsClient.JSON.createObjectNode().put("action", "typing").put("conversationId", conversationId)
                .put("state", state);
    }

    private static Predicate<JsonNode> typingIn(String conversationId) {
        return f -> "typing".equals(f.path("type").asText()) && conversationId.equals(f.path("conversationId").asText());
    }

    private static JsonNode listed(String userId, String conversationId) {
        for (JsonNode conversation : Api.as(userId).get("/conversations?limit=50").body().get("conversations")) {
            if (conversation.get("conversationId").asText().equals(conversationId)) {
                return conversation;
            }
        }
        throw new AssertionError(conversationId + " not listed for " + userId);
    }
}
