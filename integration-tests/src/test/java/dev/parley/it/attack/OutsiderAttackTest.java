package dev.parley.it.attack;

import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, families that already hold: outsiders reading or writing others' conversations, late
 * joiners reading what came before them, removed members going on. Each refusal carries its code,
 * stores nothing, and leaves the attacker's connection and other users working.
 */
class OutsiderAttackTest {
    private final Target target = Target.shared();

    private static String path(String conversationId) {
        return URLEncoder.encode(conversationId, StandardCharsets.UTF_8);
    }

    @Test
    void anOutsiderNeitherWritesNorReadsADirectConversationOfOthers() {
        String alice = Target.user("alice");
        String bob = Target.user("bob");
        String mallory = Target.user("mallory");
        String theirs = ConversationId.direct(alice, bob);
        try (WsClient a = target.connect(alice); WsClient m = target.connect(mallory)) {
            a.send(bob, "secret", "the secret");
            var before = target.stored().conversationItems(theirs);

            Target.refused(m, Target.send(theirs, "sneak", "hi from mallory"), "NOT_MEMBER");
            Target.refused(m, Target.frame("history").put("conversationId", theirs), "NOT_MEMBER");
            Target.refused(m, Target.frame("read").put("conversationId", theirs).put("seq", 1), "NOT_MEMBER");
            var sync = Target.frame("sync").put("limit", 50);
            sync.putObject("cursors").put(theirs, 0);
            JsonNode synced = m.request(sync);
            assertThat(synced.path("type").asText()).isEqualTo("synced");
            assertThat(synced.get("conversations")).as("conversations synced to an outsider").isEmpty();

            Api api = target.api(mallory);
            Api.Reply page = api.get("/conversations/" + path(theirs) + "/messages");
            assertThat(page.status()).isEqualTo(403);
            assertThat(page.body().get("code").asText()).isEqualTo("NOT_MEMBER");
            assertThat(api.get("/conversations").body().get("conversations")).isEmpty();

            assertThat(target.stored().messages(theirs)).hasSize(1);
            assertThat(target.stored().conversationItems(theirs)).as("no member item, cursor or ack of mallory's")
                    .isEqualTo(before);
            assertThat(a.received(messageIn(theirs))).extracting(f -> f.get("senderId").asText()).doesNotContain(mallory);
            Target.stillServes(m);
        }
        target.othersStillChat();
    }

    @Test
    void anOutsiderNeitherWritesNorReadsNorJoinsAGroup() {
        String alice = Target.user("alice");
        String bob = Target.user("bob");
        String mallory = Target.user("mallory");
        String group = target.api(alice).createGroup("private", bob);
        try (WsClient a = target.connect(alice); WsClient m = target.connect(mallory)) {
            a.sendTo(group, "secret", "the secret");

            Target.refused(m, Target.send(group, "sneak", "hi from mallory"), "NOT_MEMBER");
            Target.refused(m, Target.frame("history").put("conversationId", group), "NOT_MEMBER");
            Target.refused(m, Target.frame("read").put("conversationId", group).put("seq", 1), "NOT_MEMBER");

            Api api = target.api(mallory);
            Api.Reply join = api.post("/groups/" + path(group) + "/members", "{\"members\":[\"" + mallory + "\"]}");
            assertThat(join.status()).isEqualTo(403);
            assertThat(join.body().get("code").asText()).isEqualTo("NOT_MEMBER");
            Api.Reply kick = api.delete("/groups/" + path(group) + "/members/" + bob);
            assertThat(kick.status()).isIn(403, 404);
            assertThat(api.get("/conversations/" + path(group) + "/messages").status()).isEqualTo(403);

            assertThat(target.stored().members(group)).containsExactlyInAnyOrder(alice, bob);
            assertThat(target.stored().messages(group)).hasSize(1);
            Target.stillServes(m);
        }
        target.othersStillChat();
    }

    private static void onlyTheirJoining(JsonNode messages, String joiner, String what) {
        assertThat(messages).as(what).hasSize(1);
        assertThat(messages.get(0).get("kind").asText()).as(what).isEqualTo("member");
        assertThat(messages.get(0).get("body").get("added").toString()).as(what).contains(joiner);
    }

    @Test
    void aLateJoinerReadsNothingFromBeforeTheyJoined() {
        String alice = Target.user("alice");
        String bob = Target.user("bob");
        String carol = Target.user("carol");
        String group = target.api(alice).createGroup("before carol", bob);
        try (WsClient a = target.connect(alice); WsClient c = target.connect(carol)) {
            for (int i = 1; i <= 3; i++) {
                a.sendTo(group, "old-" + i, "before carol " + i);
            }
            assertThat(target.api(alice).post("/groups/" + path(group) + "/members",
                    "{\"members\":[\"" + carol + "\"]}").status()).isEqualTo(200);

            // All a late joiner reads is the entry that added them (a membership change, kind member).
            JsonNode history = c.request(Target.frame("history").put("conversationId", group));
            onlyTheirJoining(history.get("messages"), carol, "history of a late joiner");
            var sync = Target.frame("sync").put("limit", 50);
            sync.putObject("cursors").put(group, 0);
            JsonNode synced = c.request(sync);
            for (JsonNode conversation : synced.get("conversations")) {
                onlyTheirJoining(conversation.get("messages"), carol, "synced to a late joiner from cursor 0");
            }
            Api.Reply page = target.api(carol).get("/conversations/" + path(group) + "/messages?afterSeq=0");
            assertThat(page.status()).isEqualTo(200);
            onlyTheirJoining(page.body().get("messages"), carol, "HTTP page of a late joiner");

            a.sendTo(group, "new", "welcome carol");
            assertThat(c.await(messageIn(group)).get("clientMsgId").asText()).isEqualTo("new");
            assertThat(c.received(messageIn(group))).hasSize(1);
            Target.stillServes(c);
        }
        target.othersStillChat();
    }

    @Test
    void aRemovedMemberNeitherReceivesNorWritesNorReads() {
        String alice = Target.user("alice");
        String bob = Target.user("bob");
        String carol = Target.user("carol");
        String group = target.api(alice).createGroup("carol leaves", bob, carol);
        try (WsClient a = target.connect(alice); WsClient b = target.connect(bob); WsClient c = target.connect(carol)) {
            a.sendTo(group, "while-in", "carol is here");
            c.await(messageIn(group));
            assertThat(target.api(alice).delete("/groups/" + path(group) + "/members/" + carol).status()).isEqualTo(204);

            a.sendTo(group, "after", "carol is gone");
            b.await(f -> messageIn(group).test(f) && "after".equals(f.get("clientMsgId").asText()));
            Target.refused(c, Target.send(group, "back", "let me back in"), "NOT_MEMBER");
            Target.refused(c, Target.frame("history").put("conversationId", group), "NOT_MEMBER");
            Target.refused(c, Target.frame("read").put("conversationId", group).put("seq", 2), "NOT_MEMBER");
            Api api = target.api(carol);
            assertThat(api.get("/conversations/" + path(group) + "/messages").status()).isEqualTo(403);
            assertThat(api.post("/groups/" + path(group) + "/members", "{\"members\":[\"" + carol + "\"]}").status())
                    .isEqualTo(403);

            assertThat(c.received(messageIn(group))).extracting(f -> f.get("clientMsgId").asText())
                    .containsExactly("while-in");
            assertThat(target.stored().members(group)).containsExactlyInAnyOrder(alice, bob);
            assertThat(target.stored().messages(group)).extracting(item -> item.get("clientMsgId").s())
                    .containsExactly("while-in", "after");
            Target.stillServes(c);
        }
        target.othersStillChat();
    }

    @Test
    void nobodyPagesAConversationBySpellingItsIdDifferently() {
        String alice = Target.user("alice");
        String bob = Target.user("bob");
        String mallory = Target.user("mallory");
        try (WsClient a = target.connect(alice); WsClient m = target.connect(mallory)) {
            a.send(bob, "secret", "the secret");
            // The direct id names its two members in order; a reordered or padded one is not theirs.
            for (String spelling : new String[] {"dm:" + bob + ":" + alice, "dm:" + alice + ":" + bob + ":" + mallory,
                    "DM:" + alice + ":" + bob, "dm:" + alice + ":" + bob + " "}) {
                JsonNode reply = m.request(Target.frame("history").put("conversationId", spelling));
                assertThat(reply.path("type").asText()).as(spelling).isEqualTo("error");
                assertThat(reply.path("code").asText()).as(spelling).isIn("NOT_MEMBER", "BAD_REQUEST", "NOT_FOUND");
            }
            assertThat(target.stored().conversationItems("dm:" + bob + ":" + alice)).isEmpty();
            Target.stillServes(m);
        }
        target.othersStillChat();
    }
}
