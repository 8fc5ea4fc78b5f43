package dev.parley.functions.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.functions.notify.Notification;
import dev.parley.functions.notify.PushNotifier;
import dev.parley.functions.push.ConnectionPusher;
import dev.parley.functions.service.NotificationService;
import dev.parley.functions.store.Device;
import dev.parley.functions.store.dynamodb.DynamoDeviceStore;
import dev.parley.functions.store.dynamodb.DynamoMessageStore;
import dev.parley.functions.service.Budget;
import dev.parley.functions.service.ConversationAccess;
import dev.parley.functions.service.FanoutService;
import dev.parley.functions.service.Poster;
import dev.parley.functions.service.Unread;
import dev.parley.functions.service.InboxWriter;
import dev.parley.functions.store.dynamodb.DynamoInboxStore;
import dev.parley.functions.store.dynamodb.DynamoTimelineStream;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.dynamodb.DynamoConnectionStore;
import dev.parley.functions.store.dynamodb.DynamoConversationStore;
import dev.parley.functions.support.Fixtures;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The fan-out handler on a real stream batch: who gets which frame, 410 cleanup, and partial
 * batch failures. The @connections side is a recording {@link ConnectionPusher} (our own port);
 * the integration tests drive the real gateway.
 */
class FanoutHandlerTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
    private final String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
    private final DynamoConnectionStore connections =
            new DynamoConnectionStore(TestDynamo.client(), TestDynamo.table(Setting.CONNECTIONS_TABLE));
    private final RecordingPusher pusher = new RecordingPusher();
    /** As the wiring builds it: registrations also name the device in the user's live item, which fan-out reads. */
    private final DynamoDeviceStore devices = new DynamoDeviceStore(TestDynamo.client(), TestDynamo.table(Setting.DEVICES_TABLE),
            TestDynamo.table(Setting.CONNECTIONS_TABLE));
    private final List<Notification> notified = new CopyOnWriteArrayList<>();
    private volatile boolean notifierBroken;
    private final DynamoConversationStore conversations =
            new DynamoConversationStore(TestDynamo.client(), TestDynamo.table(Setting.CONVERSATIONS_TABLE));
    private final DynamoInboxStore inbox = new DynamoInboxStore(TestDynamo.client(), TestDynamo.table(Setting.INBOX_TABLE));
    private final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(4);
    private final FanoutHandler handler = handler(inbox);

    /** The handler as the wiring builds it, its sync store {@code inbox}. */
    private FanoutHandler handler(DynamoInboxStore inbox) {
        return new FanoutHandler(new FanoutService(
            new ConversationAccess(conversations), connections, new Poster(connections, () -> pusher),
            pool,
            new NotificationService(devices, new Unread(inbox), inbox,
                    () -> notification -> {
                        if (notifierBroken) {
                            throw new IllegalStateException("injected: SNS is down");
                        }
                        notified.add(notification);
                        return PushNotifier.Outcome.SENT;
                    }, java.time.Clock.systemUTC(), null, Budget.unlimited("devices")),
            new InboxWriter(inbox, new DynamoMessageStore(TestDynamo.client(), TestDynamo.table(Setting.MESSAGES_TABLE)),
                    conversations, pool, java.time.Clock.systemUTC())),
            new DynamoTimelineStream());
    }

    private String conversation() {
        return alice.compareTo(bob) < 0 ? "dm:" + alice + ":" + bob : "dm:" + bob + ":" + alice;
    }

    /** The fixture's conversation dm:alice:bob, with this test's unique user names. */
    private DynamodbEvent batch() {
        String conversation = conversation();
        return Fixtures.event("dynamodb-stream-batch.json", DynamodbEvent.class, text -> text
                .replace("dm:alice:bob", conversation)
                .replace("\"senderId\": {\"S\": \"alice\"}", "\"senderId\": {\"S\": \"" + alice + "\"}"));
    }

    private void connect(String user, String connectionId) {
        connections.save(new Connection(user, connectionId, connectionId, 1, 1), 3600);
    }

    @Test
    void everyConnectionOfEveryMemberButTheOriginGetsEachEntryInOrder() throws Exception {
        connect(alice, "A-phone-conn0000=");
        connect(alice, "A-laptop-conn000=");
        connect(bob, "B-phone-conn0000=");

        var response = handler.handleRequest(batch(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(pusher.framesTo("A-phone-conn0000=")).extracting(f -> f.get("type").asText()).containsExactly("gap");
        for (String connection : List.of("A-laptop-conn000=", "B-phone-conn0000=")) {
            List<JsonNode> frames = pusher.framesTo(connection);
            assertThat(frames).extracting(f -> f.get("type").asText()).containsExactly("message", "gap");
            assertThat(frames.get(0).get("senderId").asText()).isEqualTo(alice);
            assertThat(frames.get(0).get("body").get("text").asText()).isEqualTo("hi bob");
            assertThat(frames).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L);
        }
    }

    @Test
    void theRecipientIsPushedToBeforeTheirSyncStoreEntryMovesAndBothAreDoneWhenTheHandlerReturns() {
        connect(bob, "B-phone-conn0000=");
        List<Long> appliedAtPush = new CopyOnWriteArrayList<>();
        pusher.beforePost = connectionId -> appliedAtPush.add(
                inbox.entry(bob, conversation()).map(InboxEntry::lastSeq).orElse(0L));

        var response = handler.handleRequest(batch(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(pusher.framesTo("B-phone-conn0000=")).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L);
        assertThat(appliedAtPush).as("bob's entry when each push went out").containsExactly(0L, 0L);
        assertThat(inbox.entry(bob, conversation())).hasValueSatisfying(entry -> {
            assertThat(entry.lastSeq()).isEqualTo(2);
            assertThat(entry.unread()).isEqualTo(1);
        });
    }

    @Test
    void aSyncStoreWriteThatFailsFailsItsRecordsAfterThePushesWentOut() {
        connect(bob, "B-phone-conn0000=");
        FanoutHandler withoutInbox = handler(new DynamoInboxStore(TestDynamo.client(), "no-such-inbox-table"));

        var response = withoutInbox.handleRequest(batch(), null);

        assertThat(pusher.framesTo("B-phone-conn0000=")).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L);
        assertThat(response.getBatchItemFailures()).extracting(f -> f.getItemIdentifier())
                .containsExactly("111100000000012345678901", "111200000000012345678902");
    }

    @Test
    void aGoneConnectionIsRemovedAndDoesNotFailTheBatch() {
        connect(bob, "B-gone-conn00000=");
        connect(bob, "B-phone-conn0000=");
        pusher.gone.add("B-gone-conn00000=");

        var response = handler.handleRequest(batch(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(connections.forUser(bob)).extracting(Connection::connectionId).containsExactly("B-phone-conn0000=");
        assertThat(pusher.framesTo("B-phone-conn0000=")).hasSize(2);
    }

    @Test
    void aFailedPostReportsItsRecordSoOnlyItIsRetried() {
        connect(bob, "B-phone-conn0000=");
        pusher.failOn.add("gap");

        var response = handler.handleRequest(batch(), null);

        assertThat(response.getBatchItemFailures()).extracting(f -> f.getItemIdentifier())
                .containsExactly("111200000000012345678902");
        assertThat(pusher.framesTo("B-phone-conn0000=")).extracting(f -> f.get("type").asText()).containsExactly("message");
    }

    @Test
    void registeredDevicesWithoutALiveConnectionGetOneNotificationAndLiveOnesNone() {
        connect(bob, "B-phone-conn0000=");
        devices.register(new Device(bob, "B-phone-conn0000=", "apns", "apns-token-online"), 1);
        devices.register(new Device(bob, "tablet", "fcm", "fcm-token-offline"), 1);
        devices.register(new Device(alice, "alice-ipad", "apns", "apns-token-sender"), 1);

        var response = handler.handleRequest(batch(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(notified).singleElement().satisfies(n -> {
            assertThat(n.userId()).isEqualTo(bob);
            assertThat(n.deviceId()).isEqualTo("tablet");
            assertThat(n.platform()).isEqualTo("fcm");
            assertThat(n.seq()).isEqualTo(1); // the message, not the gap
            assertThat(n.senderId()).isEqualTo(alice);
            assertThat(n.preview()).isEqualTo("hi bob");
        });
    }

    @Test
    void aFailingNotifierNeverFailsOrBlocksTheDelivery() {
        connect(bob, "B-phone-conn0000=");
        devices.register(new Device(bob, "tablet", "fcm", "fcm-token-offline"), 1);
        notifierBroken = true;

        var response = handler.handleRequest(batch(), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(pusher.framesTo("B-phone-conn0000=")).hasSize(2);
    }

    /** Records posts; answers GONE for chosen connections and throws for chosen frame types. */
    static final class RecordingPusher implements ConnectionPusher {
        final Map<String, List<JsonNode>> posts = new ConcurrentHashMap<>();
        final Set<String> gone = ConcurrentHashMap.newKeySet();
        final Set<String> failOn = ConcurrentHashMap.newKeySet();
        volatile java.util.function.Consumer<String> beforePost = connectionId -> {};

        @Override
        public Outcome post(String connectionId, String frame) {
            beforePost.accept(connectionId);
            if (gone.contains(connectionId)) {
                return Outcome.GONE;
            }
            try {
                JsonNode json = JSON.readTree(frame);
                if (failOn.contains(json.get("type").asText())) {
                    throw new IllegalStateException("injected: 500 from @connections");
                }
                posts.computeIfAbsent(connectionId, id -> new CopyOnWriteArrayList<>()).add(json);
                return Outcome.DELIVERED;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        List<JsonNode> framesTo(String connectionId) {
            return posts.getOrDefault(connectionId, List.of());
        }
    }
}
