package dev.parley.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bench.report.Report;
import dev.parley.bench.report.Target;
import dev.parley.bench.support.BenchSocket;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The sync store's figures (issue 19), printed, never asserted:
 * <ul>
 *   <li>{@code sync_rru_user_5000_conversations_3_changed}, its calls and time: a user with 5,000
 *       conversations (seeded straight into the inbox table) of whom 3 get a message, synced with
 *       the v2 single cursor of a device that had synced everything before;</li>
 *   <li>{@code sync_rru_user_5000_conversations_full}: the first pass of a new device (every
 *       conversation, pages of 200);</li>
 *   <li>{@code sync_rru_per_conversation_N}: a v1 sync of one conversation with N unread
 *       messages (seeded into the messages table; fan-out applies them to the store), the device
 *       holding everything.</li>
 * </ul>
 */
public final class SyncBench {
    private static final long OLD = 10 * 60 * 1000L;

    private SyncBench() {}

    public static void run(LiveStack stack, Report report, int conversations, List<Integer> unreadSizes) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        manyConversations(stack, report, "sync-user-" + run, conversations, run);
        for (int unread : unreadSizes) {
            oneConversation(stack, report, run, unread);
        }
    }

    private static void manyConversations(LiveStack stack, Report report, String user, int count, String run)
            throws Exception {
        DynamoDbClient dynamo = stack.runtime().dynamo();
        String inbox = stack.runtime().config().get(Setting.INBOX_TABLE);
        long old = System.currentTimeMillis() - OLD;
        List<String> peers = new ArrayList<>();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String peer = "p" + i + "-" + run;
            peers.add(peer);
            String conversationId = ConversationId.direct(peer, user);
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(Tables.Inbox.USER_ID, s(user));
            item.put(Tables.Inbox.ITEM, s(Tables.Inbox.entryItem(conversationId)));
            item.put(Tables.Inbox.CONVERSATION_ID, s(conversationId));
            item.put(Tables.Inbox.KIND, s("direct"));
            for (String zero : List.of(Tables.Inbox.JOINED_SEQ, Tables.Inbox.LAST_SEQ, Tables.Inbox.READ_SEQ,
                    Tables.Inbox.UNREAD, Tables.Inbox.UNREAD_MENTIONS, Tables.Inbox.LAST_ACTIVITY)) {
                item.put(zero, n(0));
            }
            item.put(Tables.Inbox.VERSION, n(1));
            item.put(Tables.Inbox.ACTIVE_AT, n(old + i));
            item.put(Tables.Inbox.CHANGED_AT, n(old + i));
            items.add(item);
        }
        batchWrite(dynamo, inbox, items);

        Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
        BenchSocket device = stack.connect(user, "phone", (socket, frame, at) -> {
            if (frame.has("requestId")) {
                replies.computeIfAbsent(frame.path("requestId").asText(), k -> new CompletableFuture<>()).complete(frame);
            }
        });
        try {
            LiveStack.settle(300);
            stack.resetMeters();
            long started = System.nanoTime();
            String cursor = "";
            int pages = 0;
            int listed = 0;
            boolean more = true;
            while (more) {
                JsonNode synced = request(device, replies, "full-" + pages, cursor, 200);
                listed += synced.path("conversations").size();
                cursor = synced.path("cursor").asText();
                more = synced.path("hasMore").asBoolean();
                pages++;
            }
            double fullMillis = (System.nanoTime() - started) / 1e6;
            report.add("sync_rru_user_" + count + "_conversations_full", stack.readUnits(), "RRU");
            report.add("sync_pages_user_" + count + "_conversations_full", pages, "pages");
            report.add("sync_ms_user_" + count + "_conversations_full", fullMillis, "ms");
            if (listed < count) {
                report.comment("sync: the first pass listed " + listed + " of " + count + " conversations");
            }

            // Three peers write; once fan-out has applied their messages, the device syncs from its cursor.
            for (int i = 0; i < 3; i++) {
                BenchSocket peer = stack.connect(peers.get(i * (count / 3)), "phone", (socket, frame, at) -> {});
                peer.send(BenchSocket.sendFrame(user, "hello-" + i, "three changed"));
                awaitApplied(dynamo, inbox, user, ConversationId.direct(peers.get(i * (count / 3)), user));
                peer.close();
            }
            LiveStack.settle(300);
            stack.resetMeters();
            started = System.nanoTime();
            JsonNode changed = request(device, replies, "changed", cursor, 200);
            double millis = (System.nanoTime() - started) / 1e6;
            report.add("sync_rru_user_" + count + "_conversations_3_changed", stack.readUnits(), "RRU",
                    Target.below(20, "RRU"));
            report.add("sync_calls_user_" + count + "_conversations_3_changed", stack.dynamoCalls().calls(), "calls",
                    Target.atMost(5, "calls"));
            report.add("sync_ms_user_" + count + "_conversations_3_changed", millis, "ms");
            report.add("sync_listed_user_" + count + "_conversations_3_changed", changed.path("conversations").size(),
                    "conversations");
        } finally {
            device.close();
        }
    }

    /** A v1 sync of a device that holds everything of one conversation with {@code unread} unread messages. */
    private static void oneConversation(LiveStack stack, Report report, String run, int unread) throws Exception {
        DynamoDbClient dynamo = stack.runtime().dynamo();
        String sender = "snd" + unread + "-" + run;
        String reader = "rdr" + unread + "-" + run;
        String conversationId = ConversationId.direct(sender, reader);
        long now = System.currentTimeMillis();
        var config = stack.runtime().config();
        String conversations = config.get(Setting.CONVERSATIONS_TABLE);
        List<Map<String, AttributeValue>> meta = new ArrayList<>();
        meta.add(Map.of(Tables.Conversations.CONVERSATION_ID, s(conversationId), Tables.Conversations.ITEM,
                s(Tables.Conversations.META_ITEM), Tables.Conversations.LAST_SEQ, n(unread), "lastSeqAt", n(now),
                Tables.Conversations.KIND, s("direct"), "membersRecorded", AttributeValue.fromBool(true)));
        for (String member : List.of(sender, reader)) {
            meta.add(Map.of(Tables.Conversations.CONVERSATION_ID, s(conversationId),
                    Tables.Conversations.ITEM, s(Tables.Conversations.memberItem(member)),
                    Tables.Conversations.MEMBER_ID, s(member), Tables.Conversations.KIND, s("direct"),
                    Tables.Conversations.JOINED_SEQ, n(0), Tables.Conversations.READ_SEQ, n(0)));
        }
        batchWrite(dynamo, conversations, meta);
        List<Map<String, AttributeValue>> messages = new ArrayList<>();
        for (int seq = 1; seq <= unread; seq++) {
            messages.add(Map.of(Tables.Messages.CONVERSATION_ID, s(conversationId), Tables.Messages.SEQ, n(seq),
                    Tables.Messages.ENTRY_TYPE, s(Tables.Messages.TYPE_MESSAGE), Tables.Messages.SENDER_ID, s(sender),
                    Tables.Messages.CLIENT_MSG_ID, s("m" + seq), Tables.Messages.BODY,
                    s("{\"text\":\"a message of about a hundred bytes, as a short chat message is, to be counted\"}"),
                    Tables.Messages.SENT_AT, n(now)));
        }
        batchWrite(dynamo, config.get(Setting.MESSAGES_TABLE), messages);
        if (unread > 0) {
            awaitApplied(dynamo, config.get(Setting.INBOX_TABLE), reader, conversationId, unread);
        }

        Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
        BenchSocket device = stack.connect(reader, "phone", (socket, frame, at) -> {
            if (frame.has("requestId")) {
                replies.computeIfAbsent(frame.path("requestId").asText(), k -> new CompletableFuture<>()).complete(frame);
            }
        });
        try {
            LiveStack.settle(300);
            stack.resetMeters();
            device.send("{\"action\":\"sync\",\"requestId\":\"v1\",\"cursors\":{\"" + conversationId + "\":" + unread + "}}");
            JsonNode synced = replies.computeIfAbsent("v1", k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
            report.add("sync_rru_per_conversation_" + unread, stack.readUnits(), "RRU");
            long reported = synced.path("totalUnread").asLong(-1);
            if (reported != unread) {
                report.comment("sync: " + unread + " unread seeded, " + reported + " reported");
            }
        } finally {
            device.close();
        }
    }

    /**
     * One sync page. A page refused by the user's sync budget (a device paging through thousands of
     * conversations outruns its burst) is asked again after the {@code retryAfterMs} the refusal
     * names, as a client does; a refusal reads nothing, so the units measured are the pages'.
     */
    private static JsonNode request(BenchSocket device, Map<String, CompletableFuture<JsonNode>> replies, String id,
                                    String since, int pageSize) throws Exception {
        for (int attempt = 0; ; attempt++) {
            String requestId = attempt == 0 ? id : id + "-retry" + attempt;
            device.send("{\"action\":\"sync\",\"requestId\":\"" + requestId + "\",\"since\":\"" + since
                    + "\",\"pageSize\":" + pageSize + "}");
            JsonNode reply = replies.computeIfAbsent(requestId, k -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
            if ("synced".equals(reply.path("type").asText())) {
                return reply;
            }
            if (!"RATE_LIMITED".equals(reply.path("code").asText()) || attempt >= 20) {
                throw new IllegalStateException("sync answered " + reply);
            }
            Thread.sleep(Math.max(1, reply.path("retryAfterMs").asLong(200)));
        }
    }

    private static void awaitApplied(DynamoDbClient dynamo, String inbox, String user, String conversationId) {
        awaitApplied(dynamo, inbox, user, conversationId, 1);
    }

    /** Polls the user's entry until fan-out has applied {@code seq} (at most 60 s). */
    private static void awaitApplied(DynamoDbClient dynamo, String inbox, String user, String conversationId, long seq) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(inbox).consistentRead(true)
                    .key(Map.of(Tables.Inbox.USER_ID, s(user), Tables.Inbox.ITEM, s(Tables.Inbox.entryItem(conversationId)))))
                    .item();
            if (item != null && item.containsKey(Tables.Inbox.LAST_SEQ)
                    && Long.parseLong(item.get(Tables.Inbox.LAST_SEQ).n()) >= seq && !item.containsKey(Tables.Inbox.PENDING)) {
                return;
            }
            LiveStack.settle(50);
        }
        throw new IllegalStateException("fan-out did not apply seq " + seq + " of " + conversationId + " within 60 s");
    }

    static void batchWrite(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> writes = items.subList(from, Math.min(from + 25, items.size())).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()).toList();
            Map<String, List<WriteRequest>> batch = Map.of(table, writes);
            while (!batch.isEmpty()) {
                Map<String, List<WriteRequest>> current = batch;
                var unprocessed = dynamo.batchWriteItem(write -> write.requestItems(current)).unprocessedItems();
                batch = unprocessed == null || unprocessed.isEmpty() ? Map.of() : unprocessed;
            }
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
