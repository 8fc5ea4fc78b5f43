package dev.parley.it.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3: resending an already stored {@code clientMsgId} drew a new seq, declared it a
 * gap and refunded its token (300 resends moved lastSeq from 14 to 240 and pushed 226 gaps to
 * the peer). A resend must draw no seq, write no gap, and count against the send budget.
 */
class ResendAttackTest {
    private static final int RESENDS = 120; // a round: past the default send burst (50)
    private static final int MAX_ROUNDS = 10;
    private final Target target = Target.defaults();

    @Test
    void resendsOfAStoredMessageDrawNoSeqWriteNoGapAndMeetTheSendBudget() {
        String mallory = Target.user("mallory");
        String bob = Target.user("bob");
        try (WsClient m = target.connect(mallory); WsClient b = target.connect(bob)) {
            JsonNode first = m.send(bob, "once", "hello");
            String conversation = first.get("conversationId").asText();
            long seq = first.get("seq").asLong();
            b.await(WsClient.messageIn(conversation));

            // Rounds of pipelined resends until the budget refuses one: how many fit depends on how
            // fast the machine handles them against the refill rate, never on a timing assumption.
            List<JsonNode> replies = new ArrayList<>();
            for (int round = 0; round < MAX_ROUNDS && replies.stream().noneMatch(ResendAttackTest::rateLimited); round++) {
                String prefix = "again-" + round + "-";
                for (int i = 0; i < RESENDS; i++) {
                    m.sendText("{\"action\":\"send\",\"requestId\":\"" + prefix + i + "\",\"to\":\"" + bob
                            + "\",\"clientMsgId\":\"once\",\"body\":{\"text\":\"hello\"}}");
                }
                replies.addAll(m.awaitCount(f -> f.path("requestId").asText().startsWith(prefix), RESENDS,
                        Target.FLOOD_BACKLOG));
            }
            assertThat(replies).allSatisfy(reply -> {
                if ("sent".equals(reply.path("type").asText())) {
                    assertThat(reply.get("seq").asLong()).as("the stored seq").isEqualTo(seq);
                } else {
                    assertThat(reply.path("code").asText()).isEqualTo("RATE_LIMITED");
                }
            });
            assertThat(replies).as("resends refused by the send budget").anySatisfy(
                    reply -> assertThat(rateLimited(reply)).isTrue());

            assertThat(target.stored().lastSeq(conversation)).as("lastSeq after the resends").contains(seq);
            assertThat(target.stored().gaps(conversation)).as("gaps written").isEmpty();
            assertThat(target.stored().messages(conversation)).hasSize(1);
            // A marker after the flood: every push the flood caused would have come before it.
            // It waits for the budget the flood spent (the send may be refused until tokens are due).
            JsonNode marker = org.awaitility.Awaitility.await().atMost(Target.FLOOD_BACKLOG)
                    .until(() -> m.send(bob, "marker", "after the flood"), reply -> reply.has("seq"));
            b.await(f -> WsClient.messageIn(conversation).test(f) && f.get("seq").asLong() == marker.get("seq").asLong());
            assertThat(marker.get("seq").asLong()).isEqualTo(seq + 1);
            assertThat(b.received(f -> "gap".equals(f.path("type").asText()))).as("gap frames pushed to the peer").isEmpty();
        }
    }

    private static boolean rateLimited(JsonNode reply) {
        return "RATE_LIMITED".equals(reply.path("code").asText());
    }
}
