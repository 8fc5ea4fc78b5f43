package dev.parley.it;

import static dev.parley.it.support.WsClient.messageIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Parley;
import dev.parley.it.support.Stored;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import org.junit.jupiter.api.Test;

class DirectChatTest {

    @Test
    void twoUsersChatBothWays() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            JsonNode sent = a.send(bob, "hello-1", "hi bob");
            String conversation = ConversationId.direct(alice, bob);
            assertThat(sent.get("type").asText()).isEqualTo("sent");
            assertThat(sent.get("conversationId").asText()).isEqualTo(conversation);
            assertThat(sent.get("clientMsgId").asText()).isEqualTo("hello-1");
            assertThat(sent.get("seq").asLong()).isEqualTo(1);
            assertThat(sent.get("sentAt").asLong()).isPositive();

            JsonNode received = b.await(messageIn(conversation));
            assertThat(received.get("seq").asLong()).isEqualTo(1);
            assertThat(received.get("senderId").asText()).isEqualTo(alice);
            assertThat(received.get("clientMsgId").asText()).isEqualTo("hello-1");
            assertThat(received.get("body").get("text").asText()).isEqualTo("hi bob");
            assertThat(received.get("sentAt").asLong()).isEqualTo(sent.get("sentAt").asLong());

            JsonNode reply = b.sendTo(conversation, "reply-1", "hi alice");
            assertThat(reply.get("seq").asLong()).isEqualTo(2);
            JsonNode back = a.await(messageIn(conversation));
            assertThat(back.get("senderId").asText()).isEqualTo(bob);
            assertThat(back.get("body").get("text").asText()).isEqualTo("hi alice");
            assertThat(back.get("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void applicationFieldsInTheBodyArriveUntouched() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (WsClient a = Parley.connect(alice); WsClient b = Parley.connect(bob)) {
            var frame = WsClient.JSON.createObjectNode().put("action", "send").put("to", bob).put("clientMsgId", "att-1");
            frame.putObject("body").put("text", "photo").putObject("attachment")
                    .put("url", "https://cdn.example/p.jpg").put("width", 640);
            assertThat(a.request(frame).get("type").asText()).isEqualTo("sent");
            JsonNode body = b.await(messageIn(ConversationId.direct(alice, bob))).get("body");
            assertThat(body.get("attachment").get("url").asText()).isEqualTo("https://cdn.example/p.jpg");
            assertThat(body.get("attachment").get("width").asInt()).isEqualTo(640);
        }
    }

    @Test
    void everyDeviceOfAUserGetsEveryMessageIncludingTheSendersOtherDevice() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient alicePhone = Parley.connect(alice, "phone");
             WsClient aliceLaptop = Parley.connect(alice, "laptop");
             WsClient bobPhone = Parley.connect(bob, "phone");
             WsClient bobTablet = Parley.connect(bob, "tablet")) {
            alicePhone.send(bob, "m1", "one");
            bobTablet.sendTo(conversation, "m2", "two");

            for (WsClient device : new WsClient[] {aliceLaptop, bobPhone}) {
                assertThat(device.awaitCount(messageIn(conversation), 2))
                        .extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L);
            }
            // Each sending device has its own message through `sent`, and the other one by push.
            assertThat(alicePhone.await(messageIn(conversation)).get("seq").asLong()).isEqualTo(2);
            assertThat(bobTablet.await(messageIn(conversation)).get("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aMessageToAnOfflineUserIsStoredForLater() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (WsClient a = Parley.connect(alice)) {
            assertThat(a.send(bob, "offline-1", "are you there?").get("seq").asLong()).isEqualTo(1);
        }
        assertThat(Stored.messages(ConversationId.direct(alice, bob))).hasSize(1);
    }

    @Test
    void aUserCanWriteToThemselves() {
        String alice = Parley.user("alice");
        try (WsClient phone = Parley.connect(alice, "phone"); WsClient laptop = Parley.connect(alice, "laptop")) {
            JsonNode sent = phone.send(alice, "note-1", "remember the milk");
            assertThat(sent.get("conversationId").asText()).isEqualTo(ConversationId.direct(alice, alice));
            assertThat(laptop.await(messageIn(ConversationId.direct(alice, alice))).get("body").get("text").asText())
                    .isEqualTo("remember the milk");
        }
    }
}
