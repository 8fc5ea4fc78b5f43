package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.To;
import dev.parley.model.domain.Message;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The SDK's use of the shared codec (its decoding is pinned by shared-model's ClientCodecTest). */
class WireTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void encodesSendsToAConversationOrAUser() throws Exception {
        JsonNode toUser = JSON.readTree(Wire.send("r", "m1", To.user("bob"), Wire.textBody("hi")));
        assertThat(toUser.get("action").asText()).isEqualTo("send");
        assertThat(toUser.get("to").asText()).isEqualTo("bob");
        assertThat(toUser.has("conversationId")).isFalse();
        assertThat(toUser.at("/body/text").asText()).isEqualTo("hi");
        JsonNode toConversation = JSON.readTree(Wire.send("r", "m1", To.conversation("grp:x"), Wire.textBody("hi")));
        assertThat(toConversation.get("conversationId").asText()).isEqualTo("grp:x");
        assertThat(toConversation.has("to")).isFalse();
    }

    @Test
    void encodesSyncWithOnePositionAndHistoryWithoutBeforeSeq() throws Exception {
        JsonNode sync = JSON.readTree(Wire.sync("s", "MToxMjM", 0, 100));
        assertThat(sync.get("since").asText()).isEqualTo("MToxMjM");
        assertThat(sync.has("cursors")).isFalse();
        assertThat(sync.get("limit").asInt()).isZero();
        assertThat(sync.get("pageSize").asInt()).isEqualTo(100);
        JsonNode history = JSON.readTree(Wire.history("h", "dm:a:b", null, 20));
        assertThat(history.has("beforeSeq")).isFalse();
    }

    @Test
    void aDecodedMessageCarriesItsBodyAsATreeAndABodylessOneAsNull() {
        var message = Wire.message(new Message("dm:a:b", 3, "a", "m1", "{\"text\":\"hi\",\"n\":1}", 9));
        assertThat(message.text()).isEqualTo("hi");
        assertThat(message.body().get("n").asInt()).isEqualTo(1);
        assertThat(Wire.message(new Message("dm:a:b", 4, "a", "m2", null, 9)).text()).isNull();
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
        assertThat(Wire.subject("eyJhbGciOiJSUzI1NiJ9." + claims + ".sig")).isEqualTo("alice");
        assertThat(Wire.subject("garbage")).isNull();
    }

    @Test
    void theConnectUriCarriesTokenAndDevice() {
        assertThat(Handshake.connectUri("ws://127.0.0.1:1234", "a.b+c", "phone").toString())
                .isEqualTo("ws://127.0.0.1:1234/?token=a.b%2Bc&deviceId=phone");
        assertThat(Handshake.connectUri("wss://x.execute-api.eu-west-1.amazonaws.com/prod", "t", null).toString())
                .isEqualTo("wss://x.execute-api.eu-west-1.amazonaws.com/prod?token=t");
    }
}
