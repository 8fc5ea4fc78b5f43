package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Inbox;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpApiTest {

    private static String path(String conversationId) {
        return URLEncoder.encode(conversationId, StandardCharsets.UTF_8);
    }

    @Test
    void everyRouteRefusesAMissingOrForgedTokenWith401() {
        Api anonymous = new Api(Parley.runtime().httpUrl(), null);
        Api forged = new Api(Parley.runtime().httpUrl(), "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.");
        for (Api api : List.of(anonymous, forged)) {
            assertThat(api.get("/conversations").status()).isEqualTo(401);
            assertThat(api.get("/presence?users=a").status()).isEqualTo(401);
            assertThat(api.post("/groups", "{\"name\":\"x\",\"members\":[]}").status()).isEqualTo(401);
            assertThat(api.delete("/groups/grp:x/members/a").status()).isEqualTo(401);
        }
    }

    @Test
    void anUnknownRouteIs404() {
        assertThat(Api.as(Parley.user("alice")).get("/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void creatingAGroupAddsTheCreator() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        Api.Reply reply = Api.as(alice).post("/groups", "{\"name\":\"  Lunch  \",\"members\":[\"" + bob + "\",\"" + bob + "\"]}");
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.body().get("conversationId").asText()).startsWith("grp:");
        assertThat(reply.body().get("kind").asText()).isEqualTo("group");
        assertThat(reply.body().get("name").asText()).isEqualTo("Lunch");
        assertThat(reply.body().get("members")).extracting(JsonNode::asText).containsExactly(alice, bob);
    }

    @Test
    void badGroupRequestsAreRefusedWithTheirCode() {
        Api api = Api.as(Parley.user("alice"));
        for (String body : List.of("not json", "[]", "{\"members\":[]}", "{\"name\":\"\",\"members\":[]}",
                "{\"name\":5}", "{\"name\":\"x\",\"members\":\"bob\"}", "{\"name\":\"x\",\"members\":[\"a:b\"]}",
                "{\"name\":\"x\",\"members\":[7]}")) {
            Api.Reply reply = api.post("/groups", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.body().get("code").asText()).as(body).isEqualTo("BAD_REQUEST");
            assertThat(reply.body().get("message").asText()).as(body).isNotBlank();
        }
    }

    @Test
    void aGroupIsCappedAtTheConfiguredMemberCount() {
        // The creator and the cap's worth of others: one member too many (10,000 by default).
        int cap = Parley.runtime().config().getInt(dev.parley.model.config.Setting.MAX_GROUP_MEMBERS);
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < cap; i++) {
            members.append(i == 0 ? "" : ",").append("\"member-").append(i).append('"');
        }
        Api.Reply reply = Api.as(Parley.user("alice")).post("/groups", "{\"name\":\"big\",\"members\":[" + members + "]}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().get("message").asText()).contains(String.valueOf(cap));
    }

    @Test
    void adminsAddAndRemoveOthersAndAnyoneMayLeave() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String dave = Parley.user("dave");
        String group = Api.as(alice).createGroup("team", bob);

        Api.Reply notAdmin = Api.as(bob).post("/groups/" + path(group) + "/members", "{\"members\":[\"" + carol + "\"]}");
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.body().get("code").asText()).isEqualTo("FORBIDDEN");
        Api.Reply added = Api.as(alice).post("/groups/" + path(group) + "/members", "{\"members\":[\"" + carol + "\"]}");
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.body().get("members")).extracting(JsonNode::asText).containsExactlyInAnyOrder(alice, bob, carol);
        assertThat(added.body().get("admins")).extracting(JsonNode::asText).containsExactly(alice);

        assertThat(Api.as(dave).post("/groups/" + path(group) + "/members", "{\"members\":[\"" + dave + "\"]}").body()
                .get("code").asText()).isEqualTo("NOT_MEMBER");
        Api.Reply forbidden = Api.as(bob).delete("/groups/" + path(group) + "/members/" + carol);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body().get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(Api.as(alice).delete("/groups/" + path(group) + "/members/" + carol).status()).isEqualTo(204);
        assertThat(Api.as(bob).delete("/groups/" + path(group) + "/members/" + bob).status()).isEqualTo(204);
        Api.Reply notThere = Api.as(alice).delete("/groups/" + path(group) + "/members/" + dave);
        assertThat(notThere.status()).isEqualTo(404);
        assertThat(notThere.body().get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(Api.as(alice).post("/groups/grp:nope/members", "{\"members\":[]}").body().get("code").asText())
                .isEqualTo("NOT_FOUND");
    }

    @Test
    void theConversationListHasUnreadCountsAndTheirTotal() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String group = Api.as(carol).createGroup("trio", alice, bob);
        try (WsClient a = Parley.connect(alice); WsClient c = Parley.connect(carol)) {
            a.send(bob, "d1", "one");
            a.send(bob, "d2", "two");
            c.sendTo(group, "g1", "hello all");
            a.sendTo(group, "g2", "hi");
        }
        Inbox.awaitApplied(bob, ConversationId.direct(alice, bob), 2);
        Inbox.awaitApplied(bob, group, 3); // seq 1 is the group's creation
        Api.Reply list = Api.as(bob).get("/conversations");
        assertThat(list.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        long sum = 0;
        for (JsonNode conversation : list.body().get("conversations")) {
            ids.add(conversation.get("conversationId").asText());
            sum += conversation.get("unread").asLong();
            if (conversation.get("conversationId").asText().equals(group)) {
                assertThat(conversation.get("kind").asText()).isEqualTo("group");
                assertThat(conversation.get("name").asText()).isEqualTo("trio");
                assertThat(conversation.get("unread").asLong()).as("the creation entry is not unread").isEqualTo(2);
                assertThat(conversation.get("lastSeq").asLong()).isEqualTo(3);
                assertThat(conversation.get("admin").asBoolean()).isFalse();
            } else {
                assertThat(conversation.get("kind").asText()).isEqualTo("direct");
                assertThat(conversation.get("unread").asLong()).isEqualTo(2);
            }
            assertThat(conversation.has("messages")).isFalse();
        }
        assertThat(ids).containsExactlyInAnyOrder(group, ConversationId.direct(alice, bob));
        assertThat(list.body().get("totalUnread").asLong()).isEqualTo(sum).isEqualTo(4);
    }

    @Test
    void messagesPageForwardAndBackwardAndOnlyForMembers() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice)) {
            for (int i = 1; i <= 7; i++) {
                a.send(bob, "m" + i, "n" + i);
            }
        }
        Api api = Api.as(bob);
        Api.Reply newest = api.get("/conversations/" + path(conversation) + "/messages?limit=3");
        assertThat(newest.body().get("messages")).extracting(m -> m.get("seq").asLong()).containsExactly(5L, 6L, 7L);
        assertThat(newest.body().get("hasMore").asBoolean()).isTrue();
        Api.Reply before = api.get("/conversations/" + path(conversation) + "/messages?beforeSeq=5&limit=10");
        assertThat(before.body().get("messages")).extracting(m -> m.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(before.body().get("hasMore").asBoolean()).isFalse();
        Api.Reply after = api.get("/conversations/" + path(conversation) + "/messages?afterSeq=5");
        assertThat(after.body().get("messages")).extracting(m -> m.get("seq").asLong()).containsExactly(6L, 7L);
        JsonNode first = before.body().get("messages").get(0);
        assertThat(first.get("senderId").asText()).isEqualTo(alice);
        assertThat(first.get("body").get("text").asText()).isEqualTo("n1");

        Api.Reply stranger = Api.as(Parley.user("mallory")).get("/conversations/" + path(conversation) + "/messages");
        assertThat(stranger.status()).isEqualTo(403);
        assertThat(stranger.body().get("code").asText()).isEqualTo("NOT_MEMBER");
        assertThat(api.get("/conversations/" + path(conversation) + "/messages?limit=-1").status()).isEqualTo(400);
        assertThat(api.get("/conversations/not-an-id/messages").body().get("code").asText()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void presenceIsOnlineWhileAConnectionLives() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        Api api = Api.as(Parley.user("observer"));
        try (WsClient a = Parley.connect(alice)) {
            JsonNode presence = api.get("/presence?users=" + alice + "," + bob).body().get("presence");
            assertThat(presence.get(0).get("userId").asText()).isEqualTo(alice);
            assertThat(presence.get(0).get("online").asBoolean()).isTrue();
            assertThat(presence.get(0).get("lastActiveAt").asLong()).isPositive();
            assertThat(presence.get(1).get("userId").asText()).isEqualTo(bob);
            assertThat(presence.get(1).get("online").asBoolean()).isFalse();
        }
        assertThat(api.get("/presence").status()).isEqualTo(400);
        assertThat(api.get("/presence?users=a:b").status()).isEqualTo(400);
    }
}
