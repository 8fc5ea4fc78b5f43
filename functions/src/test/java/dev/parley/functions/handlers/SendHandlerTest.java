package dev.parley.functions.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.functions.service.Caller;
import dev.parley.functions.service.SendService;
import dev.parley.functions.store.IdempotencyStore;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.functions.store.dynamodb.DynamoIdempotencyStore;
import dev.parley.functions.store.dynamodb.DynamoMessageStore;
import dev.parley.functions.store.dynamodb.DynamoRateLimiter;
import dev.parley.functions.support.Fixtures;
import dev.parley.functions.support.TestDynamo;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.tables.Tables;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SendHandlerTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Wiring wiring = new Wiring(TestDynamo.CONFIG, TestDynamo.client(), () -> null, () -> null, Clock.systemUTC());
    private final SendHandler handler = new SendHandler(wiring.sendService());
    private final String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
    private final String conversation = ConversationId.direct("alice", bob);

    private APIGatewayV2WebSocketEvent sendEvent() {
        return Fixtures.event("websocket-send.json", APIGatewayV2WebSocketEvent.class,
                text -> text.replace("\\\"to\\\":\\\"bob\\\"", "\\\"to\\\":\\\"" + bob + "\\\""));
    }

    private JsonNode reply(APIGatewayV2WebSocketEvent event) throws Exception {
        var response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        return JSON.readTree(response.getBody());
    }

    @Test
    void aSendIsStoredAndAnsweredWithItsSeq() throws Exception {
        JsonNode sent = reply(sendEvent());
        assertThat(sent.get("type").asText()).isEqualTo("sent");
        assertThat(sent.get("requestId").asText()).isEqualTo("r-1");
        assertThat(sent.get("conversationId").asText()).isEqualTo(conversation);
        assertThat(sent.get("clientMsgId").asText()).isEqualTo("c-1");
        assertThat(sent.get("seq").asLong()).isEqualTo(1);

        Map<String, AttributeValue> item = message(1);
        assertThat(item.get(Tables.Messages.ENTRY_TYPE).s()).isEqualTo(Tables.Messages.TYPE_MESSAGE);
        assertThat(item.get(Tables.Messages.BODY).s())
                .isEqualTo("{\"text\":\"hi bob\",\"attachment\":{\"url\":\"https://cdn.example/cat.jpg\"}}");
        assertThat(item.get(Tables.Messages.SENT_AT).n()).isEqualTo(sent.get("sentAt").asText());
        assertThat(item.get(Tables.Messages.ORIGIN_CONNECTION).s()).isEqualTo("TZFc-eYyIAMCJwQ=");
    }

    @Test
    void theSenderIsTheAuthorizedUserNeverAPayloadField() throws Exception {
        reply(sendEvent()); // the fixture's frame claims "senderId":"mallory"
        assertThat(message(1).get(Tables.Messages.SENDER_ID).s()).isEqualTo("alice");
    }

    @Test
    void theFirstMessageRecordsBothMembersOfTheDirectConversation() throws Exception {
        reply(sendEvent());
        for (String member : List.of("alice", bob)) {
            var item = TestDynamo.get(Setting.CONVERSATIONS_TABLE, Map.of(
                    Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(conversation),
                    Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.memberItem(member))));
            assertThat(item.get(Tables.Conversations.MEMBER_ID).s()).isEqualTo(member);
            assertThat(item.get(Tables.Conversations.READ_SEQ).n()).isEqualTo("0");
        }
    }

    @Test
    void aRetryReturnsTheSameSeqAndDrawsNoSeqOfItsOwn() throws Exception {
        JsonNode first = reply(sendEvent());
        JsonNode retry = reply(sendEvent());
        assertThat(retry.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
        assertThat(retry.get("sentAt").asLong()).isEqualTo(first.get("sentAt").asLong());
        assertThat(message(1).get(Tables.Messages.ENTRY_TYPE).s()).isEqualTo(Tables.Messages.TYPE_MESSAGE);
        assertThat(message(2)).isEmpty(); // no gap: the retry found the stored message before the counter
        assertThat(TestDynamo.get(Setting.CONVERSATIONS_TABLE, Map.of(
                Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(conversation),
                Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.META_ITEM)))
                .get(Tables.Conversations.LAST_SEQ).n()).isEqualTo("1");
    }

    @Test
    void aClaimWhoseSeqWasDeclaredAGapMovesTheMessageToAFreshSeq() {
        var client = TestDynamo.client();
        var conversations = new DynamoConversationStore(client, TestDynamo.table(Setting.CONVERSATIONS_TABLE));
        var messages = new DynamoMessageStore(client, TestDynamo.table(Setting.MESSAGES_TABLE));
        var idempotency = new DynamoIdempotencyStore(client, TestDynamo.table(Setting.IDEMPOTENCY_TABLE), Clock.systemUTC());
        SendService service = new SendService(conversations, messages, idempotency,
                new DynamoRateLimiter(client, TestDynamo.table(Setting.RATE_LIMITS_TABLE), "test", Clock.systemUTC(), 1000, 1000),
                Clock.systemUTC(), Duration.ofHours(48));
        // An earlier attempt claimed seq 1 and died before storing; a reader declared seq 1 lost.
        long seq = conversations.allocateSeq(conversation, 1).seq();
        idempotency.claim(new IdempotencyStore.Key(conversation, "alice", "slow"), seq, 1, null, Long.MAX_VALUE / 2);
        messages.putIfAbsent(new Gap(conversation, seq));

        var sent = service.send(new Caller("alice", "phone", "conn-1"),
                new ClientCommand.Send("r", null, bob, "slow", "{\"text\":\"late\"}"));

        assertThat(sent.seq()).isGreaterThan(seq);
        assertThat(messages.get(conversation, seq)).containsInstanceOf(Gap.class);
        assertThat(messages.get(conversation, sent.seq())).get().isInstanceOf(Message.class);
        // And a further retry agrees on the new seq.
        var again = service.send(new Caller("alice", "laptop", "conn-2"),
                new ClientCommand.Send("r2", null, bob, "slow", "{\"text\":\"late\"}"));
        assertThat(again.seq()).isEqualTo(sent.seq());
    }

    @Test
    void aNonMemberGetsAnErrorFrameAndNothingIsStored() throws Exception {
        var event = Fixtures.event("websocket-send.json", APIGatewayV2WebSocketEvent.class,
                text -> text.replace("\\\"to\\\":\\\"bob\\\"",
                        "\\\"conversationId\\\":\\\"" + ConversationId.direct("carol", bob) + "\\\""));
        JsonNode error = reply(event);
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("code").asText()).isEqualTo("NOT_MEMBER");
        assertThat(error.get("requestId").asText()).isEqualTo("r-1");
        assertThat(TestDynamo.get(Setting.MESSAGES_TABLE, Map.of(
                Tables.Messages.CONVERSATION_ID, AttributeValue.fromS(ConversationId.direct("carol", bob)),
                Tables.Messages.SEQ, AttributeValue.fromN("1")))).isEmpty();
    }

    private Map<String, AttributeValue> message(long seq) {
        return TestDynamo.get(Setting.MESSAGES_TABLE, Map.of(
                Tables.Messages.CONVERSATION_ID, AttributeValue.fromS(conversation),
                Tables.Messages.SEQ, AttributeValue.fromN(Long.toString(seq))));
    }
}
