package dev.parley.it.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import dev.parley.testsupport.http.ParleyHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Issue 16: a group above the old 500-member cap, fanned out in chunks through the fan-out queue
 * (SQS FIFO on AWS, the local runtime's FIFO emulator here). Chunks of 100 recipients in 8
 * message groups, so that a 1,200-member group's message travels as about a dozen chunks. The
 * group has 1,200 members of whom 30 devices are connected (raw WebSocket clients: what they
 * receive came by push alone).
 */
class LargeGroupFanoutTest {
    private static final int MEMBERS = 1_200;
    private static final int CHUNK_SIZE = 100;
    private static final int GROUPS = 8;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /**
     * Every recipient's sync-store entry is written per message (write diffusion): on DynamoDB
     * Local on a loaded 2-core machine that is a few hundred writes a second, so a message into
     * 1,200 members takes seconds to reach the last chunk.
     */
    private static final Duration FANOUT_DONE = Duration.ofMinutes(4);

    private static LocalRuntime runtime;
    private static final DeviceLookups deviceLookups = new DeviceLookups();
    private static final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

    /** Counts the devices Queries made by the fan-out functions (the stream function and the chunk function). */
    static final class DeviceLookups implements ExecutionInterceptor {
        final AtomicInteger byFanout = new AtomicInteger();
        final AtomicInteger byNotifications = new AtomicInteger();
        volatile String devicesTable = "";

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof QueryRequest query && devicesTable.equals(query.tableName())) {
                boolean fanout = StackWalker.getInstance().walk(frames -> frames.anyMatch(f ->
                        f.getClassName().equals("dev.parley.functions.handlers.FanoutHandler")
                                || f.getClassName().equals("dev.parley.functions.handlers.FanoutChunkHandler")));
                (fanout ? byFanout : byNotifications).incrementAndGet();
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        LocalRuntime.Options.Builder options = dev.parley.it.localstack.Backend.options().port(0)
                .setting(Setting.LOG_LEVEL, "WARN")
                .setting(Setting.FANOUT_CHUNK_SIZE, Integer.toString(CHUNK_SIZE))
                .setting(Setting.FANOUT_QUEUE_GROUPS, Integer.toString(GROUPS))
                .dynamoInterceptor(deviceLookups);
        Parley.WITHOUT_BUDGETS.forEach(options::setting);
        runtime = LocalRuntime.start(options.build());
        deviceLookups.devicesTable = runtime.config().get(Setting.DEVICES_TABLE);
        // A post whose frame carries an armed clientMsgId fails (500) until its count is spent.
        runtime.connectionsApi().setFaults((connectionId, frame) -> {
            AtomicInteger left = failuresLeft.get(connectionId);
            return left != null && frame.contains("\"clientMsgId\":\"fail-") && left.getAndDecrement() > 0 ? 500 : 0;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** A group of {@link #MEMBERS}, the first the creator. */
    private static List<String> group(String prefix) {
        List<String> members = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < MEMBERS; i++) {
            members.add(prefix + run + "-" + i);
        }
        return members;
    }

    private static String create(List<String> members) {
        return ParleyHttp.createGroup(HTTP, runtime.httpUrl(), OwnRuntime.token(runtime, members.get(0)), "large",
                members.subList(1, members.size()));
    }

    private static long unread(String userId, String conversationId) {
        Map<String, AttributeValue> entry = runtime.dynamo().getItem(get -> get.tableName(runtime.config().get(Setting.INBOX_TABLE))
                .key(Map.of(Tables.Inbox.USER_ID, AttributeValue.fromS(userId),
                        Tables.Inbox.ITEM, AttributeValue.fromS(Tables.Inbox.entryItem(conversationId))))
                .consistentRead(true)).item();
        return entry == null || !entry.containsKey(Tables.Inbox.UNREAD) ? -1 : Long.parseLong(entry.get(Tables.Inbox.UNREAD).n());
    }

    private static long lastSeq(String userId, String conversationId) {
        Map<String, AttributeValue> entry = runtime.dynamo().getItem(get -> get.tableName(runtime.config().get(Setting.INBOX_TABLE))
                .key(Map.of(Tables.Inbox.USER_ID, AttributeValue.fromS(userId),
                        Tables.Inbox.ITEM, AttributeValue.fromS(Tables.Inbox.entryItem(conversationId))))
                .consistentRead(true)).item();
        return entry == null || !entry.containsKey(Tables.Inbox.LAST_SEQ) ? -1 : Long.parseLong(entry.get(Tables.Inbox.LAST_SEQ).n());
    }

    private static List<Long> seqs(WsClient client, String conversationId) {
        return client.received(WsClient.messageIn(conversationId)).stream().map(f -> f.path("seq").asLong()).toList();
    }

    /** 30 devices: members 1-24 with one, members 25-27 with two. */
    private static Map<String, WsClient> connect(List<String> members, List<AutoCloseable> open) {
        Map<String, WsClient> devices = new HashMap<>();
        for (int i = 1; i <= 27; i++) {
            for (int device = 0; device < (i <= 24 ? 1 : 2); device++) {
                WsClient client = WsClient.connect(runtime.websocketUrl(),
                        ParleyHttp.devToken(HTTP, runtime.connectionsUrl(), members.get(i), "d" + device));
                open.add(client);
                devices.put(members.get(i) + "/d" + device, client);
            }
        }
        return devices;
    }

    private static void awaitFanoutDone(String conversationId, List<String> members, long seq) {
        Awaitility.await().atMost(FANOUT_DONE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(runtime.queues().idle()).as("fan-out queue drained").isTrue();
            for (String member : List.of(members.get(1), members.get(members.size() / 2), members.get(members.size() - 1))) {
                assertThat(lastSeq(member, conversationId)).as("applied to " + member).isGreaterThanOrEqualTo(seq);
            }
        });
    }

    @Test
    void aGroupAboveTheOldCapGetsEveryMessageOncePerConnectionInOrderWithExactUnread() throws Exception {
        List<String> members = group("big");
        String conversationId = create(members);
        List<AutoCloseable> open = new ArrayList<>();
        try (WsClient sender = OwnRuntime.connect(runtime, members.get(0))) {
            Map<String, WsClient> devices = connect(members, open);
            int chunksBefore = runtime.queues().accepted();
            int redeliveriesBefore = runtime.queues().redeliveries();
            int messages = 8;
            long lastSeq = 0;
            for (int i = 0; i < messages; i++) {
                JsonNode sent = sender.sendTo(conversationId, "m-" + i, "hello " + i);
                assertThat(sent.path("type").asText()).as(sent.toString()).isEqualTo("sent");
                lastSeq = sent.path("seq").asLong();
            }
            for (var device : devices.entrySet()) {
                device.getValue().awaitCount(WsClient.messageIn(conversationId), messages, FANOUT_DONE);
            }
            awaitFanoutDone(conversationId, members, lastSeq);

            assertThat(runtime.queues().accepted() - chunksBefore).as("chunks queued for " + messages + " messages")
                    .isGreaterThanOrEqualTo(MEMBERS / CHUNK_SIZE);
            for (var device : devices.entrySet()) {
                List<Long> seqs = seqs(device.getValue(), conversationId);
                assertThat(seqs).as(device.getKey() + " (exactly once, in seq order)").hasSize(messages).isSorted()
                        .doesNotHaveDuplicates();
            }
            assertThat(runtime.queues().redeliveries() - redeliveriesBefore).as("chunks redelivered").isZero();
            for (int i = 1; i < members.size(); i += 37) {
                assertThat(unread(members.get(i), conversationId)).as("unread of " + members.get(i)).isEqualTo(messages);
            }
            assertThat(unread(members.get(0), conversationId)).as("the sender's unread").isZero();
        } finally {
            for (AutoCloseable closeable : open) {
                closeable.close();
            }
        }
    }

    /**
     * At least once per connection is what the protocol promises (docs/protocol.md: clients drop a
     * duplicate by seq): a chunk whose post failed is redelivered alone, its recipients may get an
     * entry twice, every other chunk's recipients get it once, and after dropping duplicates by
     * seq each connection has every message in order.
     */
    @Test
    void aChunkThatFailsIsRetriedAloneAndItsRecipientsDropTheDuplicatesBySeq() throws Exception {
        List<String> members = group("retry");
        String conversationId = create(members);
        List<AutoCloseable> open = new ArrayList<>();
        try (WsClient sender = OwnRuntime.connect(runtime, members.get(0))) {
            Map<String, WsClient> devices = connect(members, open);
            String victim = members.get(3);
            String victimConnection = connectionOf(victim);
            int redeliveriesBefore = runtime.queues().redeliveries();
            // More failures than the SDK client's own attempts (1 + 3 retries): the chunk function sees it.
            failuresLeft.put(victimConnection, new AtomicInteger(4));
            int messages = 4;
            long lastSeq = 0;
            for (int i = 0; i < messages; i++) {
                lastSeq = sender.sendTo(conversationId, (i == 2 ? "fail-" : "ok-") + i, "hello " + i).path("seq").asLong();
            }
            for (var device : devices.entrySet()) {
                device.getValue().awaitCount(WsClient.messageIn(conversationId), messages, FANOUT_DONE);
            }
            awaitFanoutDone(conversationId, members, lastSeq);

            assertThat(runtime.queues().redeliveries() - redeliveriesBefore).as("chunks redelivered").isEqualTo(1);
            int victimBucket = Math.floorMod(victim.hashCode(), GROUPS);
            for (var device : devices.entrySet()) {
                String user = device.getKey().substring(0, device.getKey().indexOf('/'));
                List<Long> seqs = seqs(device.getValue(), conversationId);
                Set<Long> distinct = new LinkedHashSet<>(seqs);
                assertThat(new ArrayList<>(distinct)).as(device.getKey() + " after dropping duplicates").hasSize(messages)
                        .isSorted();
                if (Math.floorMod(user.hashCode(), GROUPS) != victimBucket) {
                    assertThat(seqs).as(device.getKey() + ", in another chunk than the failed one").hasSize(messages);
                }
            }
            for (int i = 1; i < members.size(); i += 41) {
                assertThat(unread(members.get(i), conversationId)).as("unread of " + members.get(i)).isEqualTo(messages);
            }
        } finally {
            failuresLeft.clear();
            for (AutoCloseable closeable : open) {
                closeable.close();
            }
        }
    }

    /**
     * Fan-out reads no devices: the members' live items name their devices. A member whose live
     * item does not say (never connected nor registered since live items named devices, as all but
     * the 30 here) is handed on once: the notification function reads their devices, finds none and
     * records that on the live item, so from the next message on only members with a registered
     * device that is not online cost a devices Query.
     */
    @Test
    void aMessageToMembersOfflineWithDevicesRunsNoDeviceLookupInsideFanoutAndNoneForMembersWithoutDevices()
            throws Exception {
        List<String> members = group("offline");
        String conversationId = create(members);
        List<String> withDevices = members.subList(1, 31);
        for (String member : withDevices) {
            HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(URI.create(runtime.httpUrl() + "/devices/phone"))
                    .header("Authorization", "Bearer " + OwnRuntime.token(runtime, member))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"platform\":\"fcm\",\"pushToken\":\"token-" + member + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isBetween(200, 204);
        }
        int fanoutLookupsBefore = deviceLookups.byFanout.get();
        int notificationLookupsBefore = deviceLookups.byNotifications.get();
        int notificationLookupsBeforeTheSecond = 0;
        try (WsClient sender = OwnRuntime.connect(runtime, members.get(0))) {
            for (int message = 1; message <= 2; message++) {
                if (message == 2) {
                    // The first message read the devices of every member but the sender once (and
                    // the sender's connect copied theirs): wait until the last of those reads.
                    Awaitility.await().atMost(FANOUT_DONE).until(() ->
                            deviceLookups.byNotifications.get() - notificationLookupsBefore >= members.size());
                    notificationLookupsBeforeTheSecond = deviceLookups.byNotifications.get();
                }
                long seq = sender.sendTo(conversationId, "note-" + message, "are you there?").path("seq").asLong();
                awaitFanoutDone(conversationId, members, seq);
                int expected = message;
                Awaitility.await().atMost(FANOUT_DONE).untilAsserted(() -> {
                    for (String member : withDevices) {
                        assertThat(notificationsOf(member)).as("notifications of " + member).hasSize(expected);
                    }
                });
            }
        }
        assertThat(deviceLookups.byFanout.get() - fanoutLookupsBefore).as("devices Queries made by fan-out").isZero();
        // From the second message on only the members with a registered device that is not online
        // are handed on; the 1,169 without one cost no devices Query anywhere.
        assertThat(deviceLookups.byNotifications.get() - notificationLookupsBeforeTheSecond)
                .as("devices Queries made by the notification function for the second message")
                .isBetween(1, withDevices.size());
    }

    /** The user's one connection, from its connection item. */
    private static String connectionOf(String userId) {
        return runtime.dynamo().query(q -> q.tableName(runtime.config().get(Setting.CONNECTIONS_TABLE))
                        .keyConditionExpression("#u = :u")
                        .expressionAttributeNames(Map.of("#u", Tables.Connections.USER_ID))
                        .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId))).consistentRead(true))
                .items().stream().map(item -> item.get(Tables.Connections.CONNECTION_ID).s())
                .filter(id -> !Tables.Connections.LIVE_ITEM.equals(id)).findFirst().orElseThrow();
    }

    private static List<JsonNode> notificationsOf(String userId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                runtime.connectionsUrl() + "/dev/notifications?userId=" + userId)).GET().build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> found = new ArrayList<>();
        WsClient.JSON.readTree(response.body()).path("notifications").forEach(found::add);
        return found;
    }
}
