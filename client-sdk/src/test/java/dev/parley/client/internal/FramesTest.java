package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.To;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void decodesASyncedFrameWithPagesAndSummaries() {
        var frame = (Frames.SyncedFrame) Frames.decode("""
                {"type":"synced","requestId":"sync-1","totalUnread":3,"conversations":[
                  {"conversationId":"dm:a:b","kind":"direct","lastSeq":9,"readSeq":6,"unread":3,"hasMore":true,
                   "messages":[{"conversationId":"dm:a:b","seq":8,"senderId":"a","clientMsgId":"x","body":{"text":"hi"},"sentAt":5}]}]}
                """);
        assertThat(frame.requestId()).isEqualTo("sync-1");
        assertThat(frame.totalUnread()).isEqualTo(3);
        var conversation = frame.conversations().get(0);
        assertThat(conversation.hasMore()).isTrue();
        assertThat(conversation.summary().unread()).isEqualTo(3);
        assertThat(conversation.messages().get(0).text()).isEqualTo("hi");
        assertThat(conversation.messages().get(0).seq()).isEqualTo(8);
    }

    @Test
    void pageEntriesWithoutConversationIdTakeThePagesOne() {
        var frame = (Frames.HistoryFrame) Frames.decode("""
                {"type":"history","requestId":"h-1","conversationId":"grp:x","hasMore":false,
                 "messages":[{"seq":1,"senderId":"a","clientMsgId":"x","body":{"text":"hi"},"sentAt":5}]}
                """);
        assertThat(frame.messages().get(0).conversationId()).isEqualTo("grp:x");
    }

    @Test
    void theGatewaysInternalServerErrorFrameIsNotMistakenForAnAnswer() {
        assertThat(Frames.decode("{\"message\": \"Internal server error\", \"connectionId\":\"abc=\", \"requestId\":\"gw\"}"))
                .isInstanceOf(Frames.Other.class);
        assertThat(Frames.decode("not json")).isInstanceOf(Frames.Other.class);
    }

    @Test
    void decodesErrorsWithAndWithoutRetryAfter() {
        var limited = (Frames.ErrorFrame) Frames.decode(
                "{\"type\":\"error\",\"requestId\":\"a.1\",\"code\":\"RATE_LIMITED\",\"message\":\"slow down\",\"retryAfterMs\":250}");
        assertThat(limited.retryAfterMs()).isEqualTo(250);
        var bad = (Frames.ErrorFrame) Frames.decode("{\"type\":\"error\",\"code\":\"BAD_REQUEST\",\"message\":\"no\"}");
        assertThat(bad.requestId()).isNull();
        assertThat(bad.retryAfterMs()).isZero();
    }

    @Test
    void encodesSendsToAConversationOrAUser() throws Exception {
        JsonNode toUser = JSON.readTree(Frames.send("r", "m1", To.user("bob"), Frames.textBody("hi")));
        assertThat(toUser.get("action").asText()).isEqualTo("send");
        assertThat(toUser.get("to").asText()).isEqualTo("bob");
        assertThat(toUser.has("conversationId")).isFalse();
        assertThat(toUser.at("/body/text").asText()).isEqualTo("hi");
        JsonNode toConversation = JSON.readTree(Frames.send("r", "m1", To.conversation("grp:x"), Frames.textBody("hi")));
        assertThat(toConversation.get("conversationId").asText()).isEqualTo("grp:x");
        assertThat(toConversation.has("to")).isFalse();
    }

    @Test
    void encodesSyncCursorsAndHistoryWithoutBeforeSeq() throws Exception {
        JsonNode sync = JSON.readTree(Frames.sync("s", Map.of("dm:a:b", 4L), 100));
        assertThat(sync.at("/cursors/dm:a:b").asLong()).isEqualTo(4);
        assertThat(sync.get("limit").asInt()).isEqualTo(100);
        JsonNode history = JSON.readTree(Frames.history("h", "dm:a:b", null, 20));
        assertThat(history.has("beforeSeq")).isFalse();
    }

    @Test
    void clientMsgIdsFitTheProtocolsAlphabet() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(Engine.newClientMsgId()).matches("[A-Za-z0-9_-]{22}");
        }
    }

    @Test
    void theUserIdIsReadFromTheTokensSubject() {
        String claims = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"alice\"}".getBytes());
        assertThat(Frames.subject("eyJhbGciOiJSUzI1NiJ9." + claims + ".sig")).isEqualTo("alice");
        assertThat(Frames.subject("garbage")).isNull();
    }

    @Test
    void theConnectUriCarriesTokenAndDevice() {
        assertThat(Engine.connectUri("ws://127.0.0.1:1234", "a.b+c", "phone").toString())
                .isEqualTo("ws://127.0.0.1:1234/?token=a.b%2Bc&deviceId=phone");
        assertThat(Engine.connectUri("wss://x.execute-api.eu-west-1.amazonaws.com/prod", "t", null).toString())
                .isEqualTo("wss://x.execute-api.eu-west-1.amazonaws.com/prod?token=t");
    }
}
