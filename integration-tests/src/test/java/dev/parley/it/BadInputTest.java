package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad frame is answered with an error frame carrying its docs/protocol.md code (and the frame's
 * requestId when it had one), nothing is stored, and the connection keeps working.
 */
class BadInputTest {
    private String alice;
    private String bob;
    private WsClient client;

    @BeforeEach
    void connect() {
        alice = Parley.user("alice");
        bob = Parley.user("bob");
        client = Parley.connect(alice);
    }

    @AfterEach
    void stillServingAndNothingStored() {
        assertThat(client.heartbeat().get("type").asText()).isEqualTo("pong");
        assertThat(client.isOpen()).isTrue();
        assertThat(Stored.timeline(ConversationId.direct(alice, bob))).isEmpty();
        client.close();
    }

    @Test
    void malformedJsonIsABadRequest() {
        client.sendText("{\"action\":\"send\", \"to\": ");
        JsonNode error = client.await(f -> "error".equals(f.path("type").asText()));
        assertThat(error.get("code").asText()).isEqualTo("BAD_REQUEST");
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void aFrameThatIsNotAnObjectIsABadRequest() {
        client.sendText("[1,2,3]");
        assertThat(client.await(f -> "error".equals(f.path("type").asText())).get("code").asText()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void aFrameWithoutActionIsABadRequest() {
        assertThat(client.request(WsClient.JSON.createObjectNode().put("to", "x")).get("code").asText())
                .isEqualTo("BAD_REQUEST");
    }

    @Test
    void anUnknownActionIsAnsweredWithItsRequestId() {
        JsonNode error = client.request(WsClient.JSON.createObjectNode().put("action", "teleport"));
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("code").asText()).isEqualTo("UNKNOWN_ACTION");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no recipient                | {\"action\":\"send\",\"clientMsgId\":\"a\",\"body\":{\"text\":\"x\"}}                                  | BAD_REQUEST",
            "to and conversationId       | {\"action\":\"send\",\"to\":\"BOB\",\"conversationId\":\"dm:a:b\",\"clientMsgId\":\"a\",\"body\":{\"text\":\"x\"}} | BAD_REQUEST",
            "no clientMsgId              | {\"action\":\"send\",\"to\":\"BOB\",\"body\":{\"text\":\"x\"}}                                         | BAD_REQUEST",
            "clientMsgId with spaces     | {\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"a b\",\"body\":{\"text\":\"x\"}}                   | BAD_REQUEST",
            "clientMsgId too long        | {\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"CLIENT65\",\"body\":{\"text\":\"x\"}}              | BAD_REQUEST",
            "clientMsgId a number        | {\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":42,\"body\":{\"text\":\"x\"}}                        | BAD_REQUEST",
            "no body                     | {\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"a\"}                                               | BAD_REQUEST",
            "body a string               | {\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"a\",\"body\":\"hello\"}                            | BAD_REQUEST",
            "empty body                  | {\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"a\",\"body\":{}}                                   | BAD_REQUEST",
            "text a number               | {\"action\":\"send\",\"to\":\"BOB\",\"clientMsgId\":\"a\",\"body\":{\"text\":5}}                         | BAD_REQUEST",
            "to a number                 | {\"action\":\"send\",\"to\":7,\"clientMsgId\":\"a\",\"body\":{\"text\":\"x\"}}                           | BAD_REQUEST",
            "malformed conversationId    | {\"action\":\"send\",\"conversationId\":\"nonsense\",\"clientMsgId\":\"a\",\"body\":{\"text\":\"x\"}}     | BAD_REQUEST",
            "requestId too long          | {\"action\":\"heartbeat\",\"requestId\":\"CLIENT65\"}                                                     | BAD_REQUEST",
    })
    void malformedSendsAreRefusedWithTheirCode(String description, String frame, String code) {
        String requestId = UUID.randomUUID().toString();
        String text = frame.replace("BOB", bob).replace("CLIENT65", "x".repeat(65));
        if (!text.contains("\"requestId\"")) {
            text = text.replaceFirst("\\{", "{\"requestId\":\"" + requestId + "\",");
        }
        client.sendText(text);
        boolean echoes = text.contains(requestId);
        JsonNode error = client.await(f -> "error".equals(f.path("type").asText())
                && (!echoes || requestId.equals(f.path("requestId").asText())));
        assertThat(error.get("code").asText()).as(description).isEqualTo(code);
    }

    @Test
    void aBodyOverSixteenKibibytesIsTooLarge() {
        var frame = WsClient.JSON.createObjectNode().put("action", "send").put("to", bob).put("clientMsgId", "big");
        frame.putObject("body").put("text", "x".repeat(16 * 1024));
        JsonNode error = client.request(frame);
        assertThat(error.get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aMessageOverThirtyTwoKibibytesInSmallFramesReachesTheFunctionWhichRefusesItsBody() {
        var frame = WsClient.JSON.createObjectNode().put("action", "send").put("to", bob).put("clientMsgId", "huge");
        frame.putObject("body").put("text", "x".repeat(100 * 1024));
        assertThat(client.request(frame).get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aMessageOverOneHundredTwentyEightKibibytesClosesTheConnectionWith1009AsApiGatewayDoes() {
        try (WsClient other = Parley.connect(alice)) {
            var frame = WsClient.JSON.createObjectNode().put("action", "send").put("to", bob).put("clientMsgId", "giant");
            frame.putObject("body").put("text", "x".repeat(129 * 1024));
            other.sendText(frame.toString());
            assertThat(other.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void aBodyOfExactlySixteenKibibytesIsAccepted() {
        var frame = WsClient.JSON.createObjectNode().put("action", "send").put("to", alice).put("clientMsgId", "edge");
        // {"text":"..."} is 11 bytes of JSON around the text.
        frame.putObject("body").put("text", "x".repeat(16 * 1024 - 11));
        assertThat(client.request(frame).get("type").asText()).isEqualTo("sent");
    }

    @Test
    void sendingIntoAConversationOfOthersIsNotMember() {
        String carol = Parley.user("carol");
        String dave = Parley.user("dave");
        var frame = WsClient.JSON.createObjectNode().put("action", "send")
                .put("conversationId", ConversationId.direct(carol, dave)).put("clientMsgId", "sneak");
        frame.putObject("body").put("text", "hi");
        assertThat(client.request(frame).get("code").asText()).isEqualTo("NOT_MEMBER");
        assertThat(Stored.timeline(ConversationId.direct(carol, dave))).isEmpty();
    }

    @Test
    void sendingToAGroupThatDoesNotExistIsNotFound() {
        var frame = WsClient.JSON.createObjectNode().put("action", "send")
                .put("conversationId", "grp:does-not-exist").put("clientMsgId", "lost");
        frame.putObject("body").put("text", "hi");
        assertThat(client.request(frame).get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(Stored.timeline("grp:does-not-exist")).isEmpty();
    }
}
