package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.Api;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.model.domain.ConversationId;
import java.time.Duration;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

    /**
     * Devices registered before the user's live item named push devices are only in the devices
     * table (written as the code of then wrote them): their users are still notified, whether they
     * have no live item at all or one a later connection left that says nothing about devices.
     * The user's next connection copies the devices into the live item.
     */
    @Test
    void devicesRegisteredBeforeTheLiveItemNamedThemAreStillNotified() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        DynamoDbClient dynamo = Parley.runtime().dynamo();
        String devices = Parley.runtime().config().get(Setting.DEVICES_TABLE);
        String connections = Parley.runtime().config().get(Setting.CONNECTIONS_TABLE);
        registeredTheOldWay(dynamo, devices, bob, "phone", "apns", "legacy-apns-token-bob");
        registeredTheOldWay(dynamo, devices, carol, "tablet", "fcm", "legacy-fcm-token-carol");
        // Carol's live item as a connection made since, and closed, left it: no device named.
        dynamo.putItem(put -> put.tableName(connections).item(Map.of(
                Tables.Connections.USER_ID, AttributeValue.fromS(carol),
                Tables.Connections.CONNECTION_ID, AttributeValue.fromS(Tables.Connections.LIVE_ITEM))));

        try (WsClient a = Parley.connect(alice)) {
            a.send(bob, "legacy-1", "hello bob");
            a.send(carol, "legacy-2", "hello carol");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notificationsOf(bob).size() == 1);
        assertThat(notificationsOf(bob).get(0).get("deviceId").asText()).isEqualTo("phone");
        assertThat(notificationsOf(bob).get(0).get("preview").asText()).isEqualTo("hello bob");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notificationsOf(carol).size() == 1);
        assertThat(notificationsOf(carol).get(0).get("deviceId").asText()).isEqualTo("tablet");

        // Carol connects on her phone: her live item now names the tablet, which stays offline
        // and is notified, while the phone gets the push.
        try (WsClient a = Parley.connect(alice); WsClient phone = Parley.connect(carol, "phone")) {
            Map<String, AttributeValue> live = dynamo.getItem(get -> get.tableName(connections).consistentRead(true)
                    .key(Map.of(Tables.Connections.USER_ID, AttributeValue.fromS(carol),
                            Tables.Connections.CONNECTION_ID, AttributeValue.fromS(Tables.Connections.LIVE_ITEM)))).item();
            assertThat(live.get(Tables.Connections.PUSH_DEVICES).ss()).containsExactly("tablet");
            assertThat(live.get(Tables.Connections.DEVICES_KNOWN).bool()).isTrue();
            a.send(carol, "legacy-3", "still there?");
            phone.await(f -> "legacy-3".equals(f.path("clientMsgId").asText()));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notificationsOf(carol).size() == 2);
        assertThat(notificationsOf(carol).get(1).get("deviceId").asText()).isEqualTo("tablet");
        assertThat(notificationsOf(carol).get(1).get("preview").asText()).isEqualTo("still there?");
    }

    private static void registeredTheOldWay(DynamoDbClient dynamo, String table, String userId, String deviceId,
                                            String platform, String pushToken) {
        dynamo.putItem(put -> put.tableName(table).item(Map.of(
                Tables.Devices.USER_ID, AttributeValue.fromS(userId),
                Tables.Devices.DEVICE_ID, AttributeValue.fromS(deviceId),
                Tables.Devices.PLATFORM, AttributeValue.fromS(platform),
                Tables.Devices.PUSH_TOKEN, AttributeValue.fromS(pushToken),
                Tables.Devices.UPDATED_AT, AttributeValue.fromN("1"))));
    }
}
