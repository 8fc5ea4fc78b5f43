package dev.parley.bench.support;

import dev.parley.model.domain.ConversationKind;
import dev.parley.model.tables.Tables.Conversations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes a group conversation straight into the conversations table: the {@code #meta} item and
 * one member item per member, shaped as the functions write member items. Group creation
 * ({@code POST /groups}, issue 5) is not built yet, but the send and fan-out paths already serve
 * {@code grp:} conversations from these items, so seeded groups measure the real group path.
 * Replace with {@code POST /groups} once it exists.
 */
public final class GroupSeeder {
    private GroupSeeder() {}

    public static void seed(DynamoDbClient dynamo, String table, String conversationId, List<String> members) {
        long now = System.currentTimeMillis();
        List<WriteRequest> writes = new ArrayList<>();
        Map<String, AttributeValue> meta = new HashMap<>();
        meta.put(Conversations.CONVERSATION_ID, s(conversationId));
        meta.put(Conversations.ITEM, s(Conversations.META_ITEM));
        meta.put(Conversations.KIND, s(ConversationKind.GROUP.wire()));
        meta.put(Conversations.CREATED_AT, n(now));
        meta.put(Conversations.LAST_SEQ, n(0));
        writes.add(put(meta));
        for (String member : members) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(Conversations.CONVERSATION_ID, s(conversationId));
            item.put(Conversations.ITEM, s(Conversations.memberItem(member)));
            item.put(Conversations.MEMBER_ID, s(member));
            item.put(Conversations.KIND, s(ConversationKind.GROUP.wire()));
            item.put(Conversations.JOINED_SEQ, n(0));
            item.put(Conversations.READ_SEQ, n(0));
            item.put(Conversations.CREATED_AT, n(now));
            writes.add(put(item));
        }
        for (int from = 0; from < writes.size(); from += 25) {
            List<WriteRequest> chunk = writes.subList(from, Math.min(writes.size(), from + 25));
            Map<String, List<WriteRequest>> pending = Map.of(table, chunk);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                pending = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
            }
        }
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
