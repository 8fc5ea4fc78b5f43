package dev.parley.it;

import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GroupChatTest {

    @Test
    void aMessageIntoAHundredMemberGroupReachesEveryConnectedMember() {
        String owner = Parley.user("owner");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            members.add(Parley.user("m" + i));
        }
        String group = Api.as(owner).createGroup("hundred", members.toArray(String[]::new));
        List<WsClient> clients = members.stream()
                .map(member -> CompletableFuture.supplyAsync(() -> Parley.connect(member)))
                .toList().stream().map(CompletableFuture::join).toList();
        try (WsClient sender = Parley.connect(owner)) {
            JsonNode sent = sender.sendTo(group, "hello-100", "hello, all of you");
            assertThat(sent.get("seq").asLong()).as("seq 1 holds the group's creation").isEqualTo(2);
            for (WsClient client : clients) {
                JsonNode message = client.await(messageIn(group));
                assertThat(message.get("senderId").asText()).isEqualTo(owner);
                assertThat(message.get("body").get("text").asText()).isEqualTo("hello, all of you");
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void membershipChangesArePushedAndDecideWhoReceivesAndReads() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob); WsClient c = Parley.connect(carol)) {
            String group = Api.as(alice).createGroup("book club", bob);
            JsonNode created = b.await(f -> "members".equals(f.path("type").asText()));
            assertThat(created.get("conversationId").asText()).isEqualTo(group);
            assertThat(created.get("name").asText()).isEqualTo("book club");
            assertThat(created.get("by").asText()).isEqualTo(alice);
            assertThat(created.get("added")).extracting(JsonNode::asText).containsExactlyInAnyOrder(alice, bob);

            a.sendTo(group, "before-carol", "chapter one");
            Api.as(alice).post("/groups/" + URLEncoder.encode(group, StandardCharsets.UTF_8) + "/members",
                    "{\"members\":[\"" + carol + "\"]}");
            JsonNode joined = c.await(f -> "members".equals(f.path("type").asText()));
            assertThat(joined.get("added")).extracting(JsonNode::asText).containsExactly(carol);
            assertThat(joined.get("memberCount").asLong()).isEqualTo(3);
            assertThat(joined.has("members")).as("the change, not the member list").isFalse();

            a.sendTo(group, "after-carol", "chapter two");
            assertThat(c.await(messageIn(group)).get("clientMsgId").asText()).isEqualTo("after-carol");
            // Carol joined after seq 2 (the creation, chapter one): her history starts with the entry
            // that added her (seq 3), then chapter two.
            JsonNode history = c.request(WsClient.JSON.createObjectNode().put("action", "history").put("conversationId", group));
            assertThat(history.get("messages")).extracting(m -> m.get("seq").asLong()).containsExactly(3L, 4L);
            assertThat(history.get("messages")).extracting(m -> m.path("kind").asText("message"))
                    .containsExactly("member", "message");
            assertThat(history.get("messages").get(0).get("body").get("added")).extracting(JsonNode::asText)
                    .containsExactly(carol);
            assertThat(history.get("hasMore").asBoolean()).isFalse();

            Api.as(alice).delete("/groups/" + URLEncoder.encode(group, StandardCharsets.UTF_8) + "/members/" + carol);
            JsonNode removed = c.await(f -> "members".equals(f.path("type").asText()) && f.get("removed").size() == 1);
            assertThat(removed.get("removed").get(0).asText()).isEqualTo(carol);
            a.sendTo(group, "after-removal", "chapter three");
            b.await(f -> messageIn(group).test(f) && f.get("clientMsgId").asText().equals("after-removal"));
            assertThat(c.received(messageIn(group))).extracting(f -> f.get("clientMsgId").asText())
                    .containsExactly("after-carol");
            assertThat(c.request(WsClient.JSON.createObjectNode().put("action", "history").put("conversationId", group))
                    .get("code").asText()).isEqualTo("NOT_MEMBER");
            assertThat(c.sendTo(group, "sneak", "let me back in").get("code").asText()).isEqualTo("NOT_MEMBER");
        }
    }
}
