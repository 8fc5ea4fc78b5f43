package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.notify.Notification;
import dev.parley.functions.notify.OfflineNotice;
import dev.parley.functions.notify.PushNotifier;
import dev.parley.functions.store.Device;
import dev.parley.functions.store.DeviceStore;
import dev.parley.functions.store.dynamodb.DynamoInboxStore;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.Message;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Offline notifications off the fan-out path: what fan-out queues, and how the notification function delivers it. */
class NotificationDeliveryTest {
    private final DynamoInboxStore inbox = new DynamoInboxStore(TestDynamo.client(), TestDynamo.table(Setting.INBOX_TABLE));
    private final AtomicInteger deviceReads = new AtomicInteger();
    private final List<Notification> sent = new CopyOnWriteArrayList<>();
    private final List<String> queued = new ArrayList<>();
    private final DeviceStore devices = new DeviceStore() {
        @Override
        public boolean register(Device device, long now) {
            return false;
        }

        @Override
        public void unregister(String userId, String deviceId) {}

        @Override
        public List<Device> forUser(String userId) {
            deviceReads.incrementAndGet();
            return List.of(new Device(userId, "phone", "apns", "token-12345678"), new Device(userId, "tablet", "fcm", "token-87654321"));
        }
    };

    private NotificationService service(boolean withQueue) {
        return new NotificationService(devices, new Unread(inbox), inbox, () -> notification -> {
            sent.add(notification);
            return PushNotifier.Outcome.SENT;
        }, Clock.systemUTC(), withQueue ? () -> queued::add : null);
    }

    private static Message message(long seq, String text) {
        return new Message("dm:alice-n:bob-n", seq, "alice-n", "c" + seq, "{\"text\":\"" + text + "\"}", 1_000 + seq);
    }

    @Test
    void fanOutQueuesOneNoticePerMessageAndReadsNoDeviceItself() {
        List<Message> messages = List.of(message(1, "one"), message(2, "two"));
        Map<String, List<String>> recipients = Map.of("dm:alice-n:bob-n#1", List.of("alice-n", "bob-n"),
                "dm:alice-n:bob-n#2", List.of("alice-n", "bob-n"));

        assertThat(service(true).afterBatch(messages, recipients, Map.of())).isZero();

        assertThat(deviceReads).hasValue(0);
        assertThat(queued).hasSize(2);
        OfflineNotice first = OfflineNotice.decode(queued.get(0)).get(0);
        assertThat(first.onlineDevicesByRecipient()).containsOnlyKeys("bob-n"); // never the sender
        assertThat(first.preview()).isEqualTo("one");
    }

    @Test
    void theNotificationFunctionReadsEachUsersDevicesOnceAndNotifiesOnlyOfflineDevicesOfEveryMessage() {
        List<OfflineNotice> notices = List.of(
                new OfflineNotice("dm:alice-n:bob-n", 1, "alice-n", "one", Map.of("bob-n", List.of("phone")), java.util.Set.of()),
                new OfflineNotice("dm:alice-n:bob-n", 2, "alice-n", "two", Map.of("bob-n", List.of("phone")), java.util.Set.of()));

        int count = service(false).deliver(OfflineNotice.decode(OfflineNotice.encode(notices)));

        assertThat(count).isEqualTo(2);
        assertThat(deviceReads).hasValue(1);
        assertThat(sent).extracting(Notification::deviceId).containsExactly("tablet", "tablet");
        assertThat(sent).extracting(Notification::seq).containsExactly(1L, 2L);
    }

    @Test
    void aLargeRecipientListIsSplitIntoQueueMessagesOfBoundedSize() {
        Map<String, List<String>> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 2_500; i++) {
            many.put("user-" + i, List.of());
        }
        List<OfflineNotice> parts = new OfflineNotice("grp:big", 7, "owner", "hi", many, java.util.Set.of())
                .split(OfflineNotice.MAX_RECIPIENTS_PER_MESSAGE);
        assertThat(parts).extracting(part -> part.onlineDevicesByRecipient().size()).containsExactly(1_000, 1_000, 500);
        assertThat(OfflineNotice.encode(List.of(parts.get(0))).length()).isLessThan(256 * 1024);
    }
}
