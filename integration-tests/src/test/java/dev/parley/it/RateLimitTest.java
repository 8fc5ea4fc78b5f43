package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The per-user send limit, on a runtime of its own: one send per 5 s sustained, bursts of 10 (a slow
 * rate, so that the refill during the test stays below one send whatever the machine's load).
 */
class RateLimitTest {
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                .setting(Setting.SEND_RATE, "0.2").setting(Setting.SEND_BURST, "10").build());
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.close();
    }

    private static List<Map<String, AttributeValue>> timeline(String conversationId) {
        return runtime.dynamo().query(q -> q.tableName(runtime.config().get(Setting.MESSAGES_TABLE))
                .keyConditionExpression("conversationId = :c")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(conversationId)))
                .consistentRead(true)).items();
    }

    @Test
    void aBurstIsRefusedPastItsSizeWithNothingStoredThenAcceptedAfterRetryAfter() throws Exception {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient phone = OwnRuntime.connect(runtime, alice); WsClient laptop = OwnRuntime.connect(runtime, alice)) {
            // Twelve sends at once, from two devices: the limit is per user, all devices together.
            for (int i = 0; i < 12; i++) {
                ObjectNode frame = WsClient.JSON.createObjectNode().put("action", "send").put("to", bob)
                        .put("clientMsgId", "burst-" + i).put("requestId", "r-" + i);
                frame.putObject("body").put("text", "n" + i);
                (i % 2 == 0 ? phone : laptop).sendText(frame.toString());
            }
            List<JsonNode> replies = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String requestId = "r-" + i;
                replies.add((i % 2 == 0 ? phone : laptop).await(f -> requestId.equals(f.path("requestId").asText())));
            }
            List<JsonNode> accepted = replies.stream().filter(r -> r.get("type").asText().equals("sent")).toList();
            List<JsonNode> refused = replies.stream().filter(r -> r.get("type").asText().equals("error")).toList();
            assertThat(accepted).hasSize(10);
            assertThat(accepted).extracting(r -> r.get("seq").asLong())
                    .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(refused).hasSize(2).allSatisfy(r -> {
                assertThat(r.get("code").asText()).isEqualTo("RATE_LIMITED");
                // at most one interval (5 s), give or take the spread of the concurrent requests' clocks
                assertThat(r.get("retryAfterMs").asLong()).isBetween(1L, 6_000L);
            });
            assertThat(timeline(conversation)).hasSize(10); // no seq used, nothing stored
            assertThat(phone.heartbeat().get("type").asText()).isEqualTo("pong");

            // A resend of a stored clientMsgId counts against the budget like any send (issue 13):
            // refused now, and it draws no seq.
            JsonNode stored = accepted.get(0);
            JsonNode resent = phone.send(bob, stored.get("clientMsgId").asText(), stored.get("clientMsgId").asText()
                    .replace("burst-", "n"));
            assertThat(resent.get("code").asText()).as(resent.toString()).isEqualTo("RATE_LIMITED");

            JsonNode first = refused.get(0);
            String refusedClientMsgId = first.get("requestId").asText().replace("r-", "burst-");
            // Resend after retryAfterMs, as a client does. On a loaded machine the first resend may
            // land a hair early; the wait it is then told must be short (the advertised wait was honest).
            Thread.sleep(first.get("retryAfterMs").asLong() + 50);
            JsonNode retried = phone.send(bob, refusedClientMsgId, "retried");
            for (int attempt = 0; attempt < 2 && "error".equals(retried.get("type").asText()); attempt++) {
                assertThat(retried.get("code").asText()).as(retried.toString()).isEqualTo("RATE_LIMITED");
                assertThat(retried.get("retryAfterMs").asLong()).as(retried.toString()).isLessThan(1_000);
                Thread.sleep(retried.get("retryAfterMs").asLong() + 50);
                retried = phone.send(bob, refusedClientMsgId, "retried");
            }
            assertThat(retried.get("type").asText()).as(retried.toString()).isEqualTo("sent");
            assertThat(retried.get("seq").asLong()).isEqualTo(11); // consecutive: the refusals used none
            assertThat(timeline(conversation)).extracting(item -> item.get(Tables.Messages.ENTRY_TYPE).s())
                    .containsOnly(Tables.Messages.TYPE_MESSAGE).hasSize(11);
        }
    }

    /** Issue 13: resends once refunded their token and drew a seq each, flooding gaps; now they count and draw none. */
    @Test
    void aResendOfAStoredSendSpendsBudgetButDrawsNoSeq() throws Exception {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsClient a = OwnRuntime.connect(runtime, alice)) {
            a.send(bob, "only", "once");
            for (int i = 0; i < 9; i++) {
                assertThat(a.send(bob, "only", "once").get("seq").asLong()).as("resend %d", i).isEqualTo(1);
            }
            JsonNode overBudget = a.send(bob, "only", "once");
            assertThat(overBudget.get("code").asText()).as(overBudget.toString()).isEqualTo("RATE_LIMITED");
            assertThat(timeline(ConversationId.direct(alice, bob))).hasSize(1); // one message, no gaps
        }
    }
}
