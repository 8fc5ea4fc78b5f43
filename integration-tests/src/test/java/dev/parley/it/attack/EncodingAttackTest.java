package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 9: lone surrogates in a body were stored and delivered as {@code ?}; a {@code +}
 * in a user id (allowed by the id rules) was decoded twice into a space in HTTP path parameters,
 * so such a user could not leave a group or page their messages.
 */
class EncodingAttackTest {
    private final Target target = Target.shared();

    @Test
    void aLoneSurrogateInABodyIsABadRequestAndStoresNothing() {
        String mallory = Target.user("mallory");
        String bob = Target.user("bob");
        try (WsClient m = target.connect(mallory)) {
            String[] texts = {"a\\ud800b", "\\udc00", "end\\ud83d"};
            for (int i = 0; i < texts.length; i++) {
                // The JSON escape itself: Java would turn a lone surrogate char into '?' before it left.
                // The whole frame is refused before it is read, so the error may carry no requestId.
                m.sendText("{\"action\":\"send\",\"requestId\":\"surrogate-" + i + "\",\"to\":\"" + bob
                        + "\",\"clientMsgId\":\"s" + i + "\",\"body\":{\"text\":\"" + texts[i] + "\"}}");
                JsonNode reply = m.awaitCount(f -> !"pong".equals(f.path("type").asText()), i + 1).get(i);
                assertThat(reply.path("type").asText()).as(texts[i] + ": " + reply).isEqualTo("error");
                assertThat(reply.path("code").asText()).as(texts[i]).isEqualTo("BAD_REQUEST");
            }
            // A well-formed pair (an emoji) is fine.
            assertThat(m.send(mallory, "emoji", "\uD83D\uDE00").get("type").asText()).isEqualTo("sent");
            Target.stillServes(m);
        }
        assertThat(target.stored().conversationItems(ConversationId.direct(mallory, bob))).isEmpty();
        target.othersStillChat();
    }

    @Test
    void aUserIdWithAPlusWorksOnEveryPath() {
        String plus = "a+" + Target.user("plus");
        String bob = Target.user("bob");
        Api api = target.api(plus);
        String group = api.createGroup("with a plus", bob);
        try (WsClient p = target.connect(plus)) {
            String direct = p.send(bob, "hello", "hi bob").get("conversationId").asText();
            assertThat(direct).isEqualTo(ConversationId.direct(plus, bob));
            Api.Reply page = api.get("/conversations/" + path(direct) + "/messages");
            assertThat(page.status()).as("paging " + direct + ": " + page).isEqualTo(200);
            assertThat(page.body().get("messages")).hasSize(1);
            Api.Reply presence = target.api(bob).get("/presence?users=" + path(plus));
            assertThat(presence.status()).isEqualTo(200);
            assertThat(presence.body().get("presence").get(0).get("userId").asText()).isEqualTo(plus);

            // The creator is the group's only admin: leaving names a successor.
            Api.Reply left = api.delete("/groups/" + path(group) + "/members/" + path(plus) + "?successor=" + path(bob));
            assertThat(left.status()).as("leaving: " + left).isEqualTo(204);
            assertThat(target.stored().members(group)).containsExactly(bob);
            Target.stillServes(p);
        }
        target.othersStillChat();
    }

    private static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
