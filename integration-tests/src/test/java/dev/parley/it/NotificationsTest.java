package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class NotificationsTest {

    static JsonNode notificationsOf(String userId) {
        return Parley.notificationsOf(userId);
    }

    @Test
    void anOfflineRegisteredDeviceGetsOneNotificationWithPreviewAndBadgeAndAnOnlineOneNone() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        Api bobApi = Api.as(bob);
        assertThat(bobApi.put("/devices/phone", "{\"platform\":\"apns\",\"pushToken\":\"a1b2c3d4e5f6a7b8\"}").status()).isEqualTo(204);
        assertThat(bobApi.put("/devices/tablet", "{\"platform\":\"fcm\",\"pushToken\":\"fcm:token-1234567\"}").status()).isEqualTo(204);
        String longText = "x".repeat(150);
        try (WsClient a = Parley.connect(alice); WsClient phone = Parley.connect(bob, "phone")) {
            a.send(bob, "n1", "first");
            a.send(bob, "n2", longText);
            phone.awaitCount(WsClient.messageIn(ConversationId.direct(alice, bob)), 2);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notificationsOf(bob).size() == 2);
        JsonNode notifications = notificationsOf(bob);
        for (JsonNode notification : notifications) {
            assertThat(notification.get("deviceId").asText()).isEqualTo("tablet"); // the phone was online
            assertThat(notification.get("platform").asText()).isEqualTo("fcm");
            assertThat(notification.get("senderId").asText()).isEqualTo(alice);
            assertThat(notification.get("conversationId").asText()).isEqualTo(ConversationId.direct(alice, bob));
        }
        assertThat(notifications.get(0).get("preview").asText()).isEqualTo("first");
        // The badge is the unread total when the notification goes out: 1, or 2 when both messages
        // were fanned out in one batch.
        assertThat(notifications.get(0).get("badge").asLong()).isBetween(1L, 2L);
        assertThat(notifications.get(1).get("preview").asText()).isEqualTo("x".repeat(100));
        assertThat(notifications.get(1).get("badge").asLong()).isEqualTo(2);
        assertThat(notificationsOf(alice)).isEmpty(); // never to the sender

        assertThat(bobApi.delete("/devices/tablet").status()).isEqualTo(204);
        try (WsClient a = Parley.connect(alice)) {
            a.send(bob, "n3", "after unregistering");
        }
        // The phone is offline now and still registered: it alone is notified.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notificationsOf(bob).size() == 3);
        assertThat(notificationsOf(bob).get(2).get("deviceId").asText()).isEqualTo("phone");
        assertThat(notificationsOf(bob).get(2).get("badge").asLong()).isEqualTo(3);
    }

    /**
     * A user without a push device has no badge counter kept (nothing shows it); registering one
     * has the badge recounted, so the first notification counts what arrived before the device.
     */
    @Test
    void aDeviceRegisteredAfterUnreadMessagesArrivedGetsTheWholeUnreadCountAsItsFirstBadge() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String direct = ConversationId.direct(alice, bob);
        try (WsClient a = Parley.connect(alice)) {
            a.send(bob, "before-1", "one");
            a.send(bob, "before-2", "two");
            dev.parley.it.support.Inbox.awaitApplied(bob, direct, 2);
            assertThat(notificationsOf(bob)).isEmpty();

            assertThat(Api.as(bob).put("/devices/phone", "{\"platform\":\"apns\",\"pushToken\":\"a1b2c3d4e5f6a7b8\"}")
                    .status()).isEqualTo(204);
            a.send(bob, "after", "three");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notificationsOf(bob).size() == 1);
        assertThat(notificationsOf(bob).get(0).get("preview").asText()).isEqualTo("three");
        assertThat(notificationsOf(bob).get(0).get("badge").asLong()).isEqualTo(3);
    }

    @Test
    void badRegistrationsAreRefused() {
        Api api = Api.as(Parley.user("carol"));
        for (String body : new String[] {"{\"platform\":\"blackberry\",\"pushToken\":\"abcdefgh1234\"}",
                "{\"platform\":\"apns\"}", "{\"platform\":\"apns\",\"pushToken\":\"short\"}",
                "{\"platform\":\"apns\",\"pushToken\":\"has spaces in it\"}", "not json"}) {
            Api.Reply reply = api.put("/devices/phone", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.body().get("code").asText()).isEqualTo("BAD_REQUEST");
        }
        assertThat(api.put("/devices/bad%20id", "{\"platform\":\"apns\",\"pushToken\":\"abcdefgh1234\"}").status())
                .isEqualTo(400);
        assertThat(new Api(Parley.runtime().httpUrl(), null).put("/devices/phone", "{}").status()).isEqualTo(401);
    }
}
