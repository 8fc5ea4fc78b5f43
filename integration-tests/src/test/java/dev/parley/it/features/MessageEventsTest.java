package dev.parley.it.features;

import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.functions.store.dynamodb.DynamoMessageStore;
import dev.parley.it.support.Api;
import dev.parley.it.support.Inbox;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Protocol v2's edit, delete and react over real sockets: what each device sees, every refusal
 * (with nothing stored), idempotency, and convergence of pushed events with a fresh history.
 */
class MessageEventsTest {

    @Test
    void devicesApplyingPushedEventsAndAThirdReadingHistoryEndWithTheSameState() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient alicePhone = Parley.connect(alice, "phone");
             WsClient aliceTablet = Parley.connect(alice, "tablet");
             WsClient bobPhone = Parley.connect(bob, "phone");
             WsClient bobTablet = Parley.connect(bob, "tablet")) {
            alicePhone.send(bob, "m1", "lunch at noon?");
            alicePhone.send(bob, "m2", "or one");
            bobPhone.sendTo(conversation, "m3", "noon works");
            ok(react(bobPhone, conversation, 1, "r1", "👍", false));
            ok(react(alicePhone, conversation, 1, "r2", "👍", false));
            ok(react(bobPhone, conversation, 2, "r3", "❤️", false));
            ok(react(bobPhone, conversation, 2, "r4", "❤️", true));
            ok(react(bobPhone, conversation, 3, "r5", "🎉", false));
            ok(edit(alicePhone, conversation, 1, "e1", "lunch at 12:30?"));
            ok(delete(alicePhone, conversation, 2, "d1"));
            ok(react(alicePhone, conversation, 3, "r6", "🎉", false));
            long lastSeq = 11;

            // The tablets sent nothing: they hear every entry by push and apply them in seq order.
            List<JsonNode> aliceHeard = aliceTablet.awaitCount(messageIn(conversation), (int) lastSeq);
            List<JsonNode> bobHeard = bobTablet.awaitCount(messageIn(conversation), (int) lastSeq);
            assertThat(TimelineModel.seqs(bobHeard)).hasSize((int) lastSeq);
            String expected = """
                    1: lunch at 12:30? (edited) 👍=2*
                    2: (deleted)
                    3: noon works 🎉=2*
                    """;
            assertThat(TimelineModel.of(bob, bobHeard).view()).isEqualTo(expected);
            assertThat(TimelineModel.of(alice, aliceHeard).view()).isEqualTo(expected);

            // A third device of bob's, from scratch: history gives each message its current state.
            try (WsClient bobLaptop = Parley.connect(bob, "laptop")) {
                JsonNode history = bobLaptop.request(WsClient.JSON.createObjectNode().put("action", "history")
                        .put("conversationId", conversation));
                List<JsonNode> page = new ArrayList<>();
                history.get("messages").forEach(page::add);
                assertThat(TimelineModel.seqs(page)).as("every seq, events included").hasSize((int) lastSeq);
                assertThat(TimelineModel.of(bob, page).view()).isEqualTo(expected);
                JsonNode first = page.get(0);
                assertThat(first.get("editedAt").asLong()).isPositive();
                assertThat(first.get("stateSeq").asLong()).isEqualTo(9);
                JsonNode deleted = page.get(1);
                assertThat(deleted.get("deleted").asBoolean()).isTrue();
                assertThat(deleted.has("body")).isFalse();

                // A first page shorter than the events: its states already hold the later events,
                // which the device skips by stateSeq when it pages on.
                JsonNode sync = bobLaptop.request(WsClient.JSON.createObjectNode().put("action", "sync").put("limit", 3)
                        .set("cursors", WsClient.JSON.createObjectNode().put(conversation, 0)));
                List<JsonNode> paged = new ArrayList<>();
                sync.get("conversations").get(0).get("messages").forEach(paged::add);
                JsonNode rest = bobLaptop.request(WsClient.JSON.createObjectNode().put("action", "sync").put("limit", 200)
                        .set("cursors", WsClient.JSON.createObjectNode().put(conversation, 3)));
                rest.get("conversations").get(0).get("messages").forEach(paged::add);
                assertThat(TimelineModel.of(bob, paged).view()).isEqualTo(expected);
            }

            // The HTTP page says the same, with alice's own reactions marked for her.
            JsonNode messages = Api.as(alice).get("/conversations/" + conversation + "/messages").body();
            List<JsonNode> alicePage = new ArrayList<>();
            messages.get("messages").forEach(alicePage::add);
            assertThat(TimelineModel.of(alice, alicePage).view()).isEqualTo(expected);
        }
    }

    @Test
    void editsDeletionsAndReactionsAreNotUnreadMessages() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            a.send(bob, "m1", "one");
            a.send(bob, "m2", "two");
            ok(edit(a, conversation, 1, "e1", "one!"));
            ok(delete(a, conversation, 2, "d1"));
            ok(react(a, conversation, 1, "r1", "👀", false));
            b.awaitCount(messageIn(conversation), 5);
            Inbox.awaitApplied(bob, conversation, 5);
            JsonNode listed = Api.as(bob).get("/conversations?limit=10").body().get("conversations").get(0);
            assertThat(listed.get("lastSeq").asLong()).isEqualTo(5);
            assertThat(listed.get("unread").asLong()).as("two messages, three events").isEqualTo(2);
        }
    }

    @Test
    void everyRefusalAnswersItsCodeStoresNothingAndLeavesTheConnectionOpen() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob); WsClient c = Parley.connect(carol)) {
            a.send(bob, "m1", "mine");
            ok(react(b, conversation, 1, "r1", "👍", false));       // seq 2, an event
            long gap = crashedSendLeavesAGap(conversation);          // seq 3, a gap

            assertThat(code(edit(b, conversation, 1, "x1", "not yours"))).isEqualTo("FORBIDDEN");
            assertThat(code(delete(b, conversation, 1, "x2"))).isEqualTo("FORBIDDEN");
            assertThat(code(react(a, conversation, gap, "x3", "👍", false))).isEqualTo("NOT_FOUND");
            assertThat(code(react(a, conversation, 2, "x4", "👍", false))).as("an event is no message").isEqualTo("NOT_FOUND");
            assertThat(code(edit(a, conversation, 99, "x5", "never drawn"))).isEqualTo("NOT_FOUND");
            assertThat(code(react(b, conversation, 1, "x6", "👍", false))).as("already reacted").isEqualTo("CONFLICT");
            assertThat(code(react(b, conversation, 1, "x7", "🎉", true))).as("nothing to remove").isEqualTo("NOT_FOUND");
            assertThat(code(react(c, conversation, 1, "x8", "👍", false))).isEqualTo("NOT_MEMBER");
            assertThat(code(react(b, conversation, 1, "x9", "two words", false))).isEqualTo("BAD_REQUEST");
            assertThat(code(react(b, conversation, 1, "x10", "", false))).isEqualTo("BAD_REQUEST");
            assertThat(code(react(b, conversation, 1, "x11", "12345678901234567", false))).isEqualTo("BAD_REQUEST");
            ObjectNode noSeq = WsClient.JSON.createObjectNode().put("action", "edit").put("conversationId", conversation)
                    .put("clientMsgId", "x12");
            noSeq.putObject("body").put("text", "where?");
            assertThat(code(a.request(noSeq))).isEqualTo("BAD_REQUEST");
            ObjectNode emptyBody = WsClient.JSON.createObjectNode().put("action", "edit").put("conversationId", conversation)
                    .put("seq", 1).put("clientMsgId", "x13");
            emptyBody.putObject("body");
            assertThat(code(a.request(emptyBody))).isEqualTo("BAD_REQUEST");
            ok(delete(a, conversation, 1, "d1"));                    // seq 4
            assertThat(code(edit(a, conversation, 1, "x14", "back from the dead"))).isEqualTo("NOT_FOUND");
            assertThat(code(react(b, conversation, 1, "x15", "🎉", false))).isEqualTo("NOT_FOUND");
            assertThat(code(delete(a, conversation, 1, "x16"))).isEqualTo("NOT_FOUND");

            // Nothing stored by any refusal: the next entry takes the very next seq.
            assertThat(a.send(bob, "m2", "still here").get("seq").asLong()).isEqualTo(5);
            assertThat(Stored.items().lastSeq(conversation)).contains(5L);
        }
    }

    @Test
    void aGroupAdminDeletesOthersMessagesAndOtherMembersCannot() {
        String owner = Parley.user("owner");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String group = Api.as(owner).createGroup("admins", bob, carol);
        try (WsClient o = Parley.connect(owner); WsClient b = Parley.connect(bob); WsClient c = Parley.connect(carol)) {
            long spam = b.sendTo(group, "m1", "spam").get("seq").asLong(); // seq 1 is the group's creation
            c.sendTo(group, "m2", "hello");
            assertThat(code(delete(c, group, spam, "x1"))).isEqualTo("FORBIDDEN");
            assertThat(code(delete(o, group, 1, "x2"))).as("a membership entry is no message").isEqualTo("NOT_FOUND");
            JsonNode deleted = delete(o, group, spam, "d1");
            ok(deleted);
            JsonNode heard = c.await(f -> messageIn(group).test(f) && "delete".equals(f.path("kind").asText()));
            assertThat(heard.get("targetSeq").asLong()).isEqualTo(spam);
            assertThat(heard.get("senderId").asText()).isEqualTo(owner);
            assertThat(heard.get("seq").asLong()).isEqualTo(deleted.get("seq").asLong());
        }
    }

    @Test
    void eachActionIsIdempotentByClientMsgIdAndAReusedIdWithOtherContentConflicts() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            a.send(bob, "m1", "one");
            a.send(bob, "m2", "two");
            JsonNode edited = edit(a, conversation, 1, "e1", "one!");
            JsonNode reacted = react(b, conversation, 1, "r1", "👍", false);
            JsonNode deleted = delete(a, conversation, 2, "d1");
            for (int retry = 0; retry < 2; retry++) {
                assertThat(edit(a, conversation, 1, "e1", "one!").get("seq")).isEqualTo(edited.get("seq"));
                assertThat(react(b, conversation, 1, "r1", "👍", false).get("seq")).isEqualTo(reacted.get("seq"));
                assertThat(delete(a, conversation, 2, "d1").get("seq")).isEqualTo(deleted.get("seq"));
            }
            assertThat(code(edit(a, conversation, 1, "e1", "other text"))).isEqualTo("CONFLICT");
            assertThat(code(react(b, conversation, 1, "r1", "❤️", false))).isEqualTo("CONFLICT");
            assertThat(code(delete(a, conversation, 1, "e1"))).as("an edit's id used for a delete").isEqualTo("CONFLICT");

            JsonNode history = a.request(WsClient.JSON.createObjectNode().put("action", "history")
                    .put("conversationId", conversation));
            assertThat(history.get("messages")).hasSize(5);
            JsonNode first = history.get("messages").get(0);
            assertThat(first.get("body").get("text").asText()).isEqualTo("one!");
            assertThat(first.get("reactions").get(0).get("count").asLong()).isEqualTo(1);
            assertThat(first.get("reactions").get(0).get("me").asBoolean()).isFalse();
        }
    }

    // ------------------------------------------------------------------ frames

    static JsonNode edit(WsClient client, String conversationId, long seq, String clientMsgId, String text) {
        ObjectNode frame = target("edit", conversationId, seq, clientMsgId);
        frame.putObject("body").put("text", text);
        return client.request(frame);
    }

    static JsonNode delete(WsClient client, String conversationId, long seq, String clientMsgId) {
        return client.request(target("delete", conversationId, seq, clientMsgId));
    }

    static JsonNode react(WsClient client, String conversationId, long seq, String clientMsgId, String emoji,
                          boolean remove) {
        ObjectNode frame = target("react", conversationId, seq, clientMsgId).put("emoji", emoji);
        if (remove) {
            frame.put("remove", true);
        }
        return client.request(frame);
    }

    private static ObjectNode target(String action, String conversationId, long seq, String clientMsgId) {
        return WsClient.JSON.createObjectNode().put("action", action).put("conversationId", conversationId)
                .put("seq", seq).put("clientMsgId", clientMsgId);
    }

    static JsonNode ok(JsonNode reply) {
        assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("sent");
        return reply;
    }

    static String code(JsonNode reply) {
        assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("error");
        return reply.get("code").asText();
    }

    /** What a send that crashed after drawing its seq leaves once a reader settled it: a gap. */
    private static long crashedSendLeavesAGap(String conversationId) {
        var runtime = Parley.runtime();
        long seq = new DynamoConversationStore(runtime.dynamo(), runtime.config().get(Setting.CONVERSATIONS_TABLE))
                .allocateSeq(conversationId, System.currentTimeMillis()).seq();
        new DynamoMessageStore(runtime.dynamo(), runtime.config().get(Setting.MESSAGES_TABLE))
                .putIfAbsent(new Gap(conversationId, seq));
        return seq;
    }
}
