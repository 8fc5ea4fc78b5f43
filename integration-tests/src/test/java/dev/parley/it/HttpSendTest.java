package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Protocol v2's send over HTTP ({@code POST /conversations/{id}/messages}, {@code POST
 * /users/{userId}/messages}): received over WebSocket like any message, idempotent by clientMsgId
 * across both ways of sending, the same refusals as the {@code send} frame, the same budget.
 */
class HttpSendTest {

    private static String path(String conversationId) {
        return URLEncoder.encode(conversationId, StandardCharsets.UTF_8);
    }

    private static String message(String clientMsgId, String text) {
        return "{\"clientMsgId\":\"" + clientMsgId + "\",\"body\":{\"text\":\"" + text + "\"}}";
    }

    @Test
    void aMessageSentOverHttpArrivesOverWebSocketToTheRecipientAndTheSendersOtherDevices() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String direct = ConversationId.direct(alice, bob);
        try (WsClient bobPhone = Parley.connect(bob); WsClient alicePhone = Parley.connect(alice)) {
            Api.Reply sent = Api.as(alice).post("/users/" + bob + "/messages", message("h-1", "hello over http"));
            assertThat(sent.status()).as(String.valueOf(sent.body())).isEqualTo(200);
            assertThat(sent.body().get("conversationId").asText()).isEqualTo(direct);
            assertThat(sent.body().get("clientMsgId").asText()).isEqualTo("h-1");
            assertThat(sent.body().get("seq").asLong()).isEqualTo(1);
            assertThat(sent.body().get("sentAt").asLong()).isPositive();

            JsonNode pushed = bobPhone.await(WsClient.messageIn(direct));
            assertThat(pushed.get("seq").asLong()).isEqualTo(1);
            assertThat(pushed.get("senderId").asText()).isEqualTo(alice);
            assertThat(pushed.get("clientMsgId").asText()).isEqualTo("h-1");
            assertThat(pushed.get("body").get("text").asText()).isEqualTo("hello over http");
            // No connection sent it, so the sender's own live connections get it too.
            assertThat(alicePhone.await(WsClient.messageIn(direct)).get("seq").asLong()).isEqualTo(1);

            // The conversation path names the same conversation.
            Api.Reply second = Api.as(bob).post("/conversations/" + path(direct) + "/messages", message("h-2", "back"));
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body().get("seq").asLong()).isEqualTo(2);
            assertThat(alicePhone.await(f -> WsClient.messageIn(direct).test(f) && f.get("seq").asLong() == 2)
                    .get("senderId").asText()).isEqualTo(bob);
        }
    }

    @Test
    void aGroupMessageSentOverHttpReachesTheMembers() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String group = Api.as(alice).createGroup("http", bob);
        try (WsClient bobPhone = Parley.connect(bob)) {
            Api.Reply sent = Api.as(alice).post("/conversations/" + path(group) + "/messages", message("g-1", "all"));
            assertThat(sent.status()).isEqualTo(200);
            assertThat(bobPhone.await(WsClient.messageIn(group)).get("seq").asLong())
                    .isEqualTo(sent.body().get("seq").asLong());
        }
    }

    @Test
    void aRetryReturnsTheSameSeqWhicheverWayItIsSentAndStoresOneMessage() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String direct = ConversationId.direct(alice, bob);
        Api api = Api.as(alice);
        Api.Reply first = api.post("/users/" + bob + "/messages", message("r-1", "once"));
        Api.Reply again = api.post("/users/" + bob + "/messages", message("r-1", "once"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        try (WsClient phone = Parley.connect(alice)) {
            JsonNode overWebSocket = phone.send(bob, "r-1", "once");
            assertThat(overWebSocket.get("type").asText()).isEqualTo("sent");
            assertThat(overWebSocket.get("seq").asLong()).isEqualTo(first.body().get("seq").asLong());
            assertThat(overWebSocket.get("sentAt").asLong()).isEqualTo(first.body().get("sentAt").asLong());
        }
        // The same clientMsgId with other content: CONFLICT, nothing new stored.
        Api.Reply conflict = api.post("/conversations/" + path(direct) + "/messages", message("r-1", "other"));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.body().get("code").asText()).isEqualTo("CONFLICT");
        assertThat(timeline(Parley.runtime(), direct)).hasSize(1);
    }

    @Test
    void badInputIsRefusedWithTheCodesOfTheSendFrameAndStoresNothing() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String direct = ConversationId.direct(alice, bob);
        Api api = Api.as(alice);
        String messages = "/users/" + bob + "/messages";
        Map<String, String> badRequests = Map.of(
                "not json", "not JSON",
                "[]", "not an object",
                "{\"body\":{\"text\":\"x\"}}", "no clientMsgId",
                "{\"clientMsgId\":\"has space\",\"body\":{\"text\":\"x\"}}", "a clientMsgId outside [A-Za-z0-9_-]",
                "{\"clientMsgId\":\"b-1\",\"body\":\"text\"}", "a body that is no object",
                "{\"clientMsgId\":\"b-1\"}", "no body",
                "{\"clientMsgId\":\"b-1\",\"body\":{\"text\":\"x\"},\"replyTo\":-3}", "a negative replyTo");
        badRequests.forEach((body, why) -> {
            Api.Reply reply = api.post(messages, body);
            assertThat(reply.status()).as(why).isEqualTo(400);
            assertThat(reply.body().get("code").asText()).as(why).isEqualTo("BAD_REQUEST");
        });
        Api.Reply tooLarge = api.post(messages, message("b-2", "x".repeat(17 * 1024)));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body().get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        Api.Reply badUser = api.post("/users/a:b/messages", message("b-3", "x"));
        assertThat(badUser.status()).isEqualTo(400);
        Api.Reply notMine = api.post("/conversations/" + path(ConversationId.direct(bob, Parley.user("carol")))
                + "/messages", message("b-4", "x"));
        assertThat(notMine.status()).isEqualTo(403);
        assertThat(notMine.body().get("code").asText()).isEqualTo("NOT_MEMBER");
        Api.Reply noGroup = api.post("/conversations/" + path("grp:" + UUID.randomUUID()) + "/messages", message("b-5", "x"));
        assertThat(noGroup.status()).isEqualTo(404);
        assertThat(noGroup.body().get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(timeline(Parley.runtime(), direct)).isEmpty();
    }

    @Test
    void aBlockedSenderIsRefusedOverHttpToo() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        assertThat(Api.as(bob).put("/blocks/" + alice, "").status()).isEqualTo(204);
        Api.Reply refused = Api.as(alice).post("/users/" + bob + "/messages", message("k-1", "hi"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().get("code").asText()).isEqualTo("BLOCKED");
        assertThat(timeline(Parley.runtime(), ConversationId.direct(alice, bob))).isEmpty();
    }

    @Test
    void httpAndWebSocketSendsSpendOneBudget() throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(0)
                .setting(Setting.SEND_RATE, "0.2").setting(Setting.SEND_BURST, "4").build())) {
            String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
            String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
            Api api = new Api(runtime.httpUrl(), OwnRuntime.token(runtime, alice));
            try (WsClient phone = OwnRuntime.connect(runtime, alice)) {
                assertThat(phone.send(bob, "w-1", "one").get("type").asText()).isEqualTo("sent");
                assertThat(phone.send(bob, "w-2", "two").get("type").asText()).isEqualTo("sent");
                assertThat(api.post("/users/" + bob + "/messages", message("h-3", "three")).status()).isEqualTo(200);
                assertThat(api.post("/users/" + bob + "/messages", message("h-4", "four")).status()).isEqualTo(200);

                Api.Reply refused = api.post("/users/" + bob + "/messages", message("h-5", "five"));
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.body().get("code").asText()).isEqualTo("RATE_LIMITED");
                assertThat(refused.body().get("retryAfterMs").asLong()).isBetween(1L, 5_000L);
                JsonNode refusedToo = phone.send(bob, "w-5", "five");
                assertThat(refusedToo.get("code").asText()).isEqualTo("RATE_LIMITED");
            }
            assertThat(timeline(runtime, ConversationId.direct(alice, bob))).hasSize(4);
        }
    }

    private static List<Map<String, AttributeValue>> timeline(LocalRuntime runtime, String conversationId) {
        return runtime.dynamo().query(q -> q.tableName(runtime.config().get(Setting.MESSAGES_TABLE))
                .keyConditionExpression("conversationId = :c")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(conversationId)))
                .consistentRead(true)).items();
    }
}
