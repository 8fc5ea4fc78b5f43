package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.WsClient;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 8: a {@code clientMsgId} reused with a different body answered {@code sent} with
 * the old seq and silently dropped the new body. It answers {@code CONFLICT}: the first content
 * stays, nothing new is stored or pushed.
 */
class ConflictAttackTest {
    private final Target target = Target.shared();

    @Test
    @Disabled("waits for CONFLICT on a reused clientMsgId (core): issue 13 item 8")
    void aClientMsgIdReusedWithAnotherBodyIsAConflict() {
        String alice = Target.user("alice");
        String bob = Target.user("bob");
        try (WsClient a = target.connect(alice); WsClient b = target.connect(bob)) {
            JsonNode first = a.send(bob, "same-id", "the first body");
            String conversation = first.get("conversationId").asText();
            b.await(WsClient.messageIn(conversation));

            JsonNode error = Target.refused(a, Target.frame("send").put("to", bob).put("clientMsgId", "same-id")
                    .set("body", WsClient.JSON.createObjectNode().put("text", "another body")), "CONFLICT");
            assertThat(error.get("message").asText()).isNotBlank();
            // The very same content is still an ordinary retry.
            assertThat(a.send(bob, "same-id", "the first body").get("seq").asLong()).isEqualTo(first.get("seq").asLong());

            assertThat(target.stored().messages(conversation)).hasSize(1)
                    .allSatisfy(item -> assertThat(item.get("body").s()).contains("the first body"));
            JsonNode marker = a.send(bob, "marker", "after");
            b.await(f -> WsClient.messageIn(conversation).test(f) && f.get("seq").asLong() == marker.get("seq").asLong());
            assertThat(b.received(WsClient.messageIn(conversation))).extracting(f -> f.path("body").path("text").asText())
                    .containsExactly("the first body", "after");
            Target.stillServes(a);
        }
        target.othersStillChat();
    }
}
