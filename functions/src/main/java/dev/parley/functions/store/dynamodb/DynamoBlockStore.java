package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.BlockStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.tables.Tables.Conversations;
import dev.parley.model.tables.Tables.Inbox;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link BlockStore} over two tables, one transaction per change (6 WCU: three items, transactions
 * cost twice): the blocker's {@code blocks#<blocked>} item and the blocked user's
 * {@code blockedBy#<blocker>} item in the sync store (each user's own partition, so both lists are
 * one Query), and the blocked user's id in the {@code blocked} set of their direct conversation's
 * meta item, which the seq allocation's condition reads for free.
 */
public final class DynamoBlockStore implements BlockStore {
    private final DynamoDbClient dynamo;
    private final String inboxTable;
    private final String conversationsTable;

    public DynamoBlockStore(DynamoDbClient dynamo, String inboxTable, String conversationsTable) {
        this.dynamo = dynamo;
        this.inboxTable = inboxTable;
        this.conversationsTable = conversationsTable;
    }

    @Override
    public void block(String blocker, String blocked, long now) {
        String conversationId = ConversationId.direct(blocker, blocked);
        Transactions.write(dynamo, List.of(
                put(blocker, Inbox.BLOCKS_PREFIX + blocked, now),
                put(blocked, Inbox.BLOCKED_BY_PREFIX + blocker, now),
                // Creates the meta item of a conversation without messages as the first send would
                // (kind, creation time); its counter starts at the first send.
                TransactWriteItem.builder().update(Update.builder().tableName(conversationsTable).key(metaKey(conversationId))
                        .updateExpression("ADD #blocked :user SET #kind = if_not_exists(#kind, :kind), "
                                + "#created = if_not_exists(#created, :now)")
                        .expressionAttributeNames(Map.of("#blocked", Conversations.BLOCKED, "#kind", Conversations.KIND,
                                "#created", Conversations.CREATED_AT))
                        .expressionAttributeValues(Map.of(":user", AttributeValue.fromSs(List.of(blocked)),
                                ":kind", s(ConversationKind.DIRECT.wire()), ":now", n(now))).build()).build()));
    }

    /** The meta item's condition makes lifting a block that never existed write nothing at all. */
    @Override
    public void unblock(String blocker, String blocked) {
        String conversationId = ConversationId.direct(blocker, blocked);
        Transactions.write(dynamo, List.of(
                delete(blocker, Inbox.BLOCKS_PREFIX + blocked),
                delete(blocked, Inbox.BLOCKED_BY_PREFIX + blocker),
                TransactWriteItem.builder().update(Update.builder().tableName(conversationsTable).key(metaKey(conversationId))
                        .updateExpression("DELETE #blocked :user")
                        .conditionExpression("contains(#blocked, :blocked)")
                        .expressionAttributeNames(Map.of("#blocked", Conversations.BLOCKED))
                        .expressionAttributeValues(Map.of(":user", AttributeValue.fromSs(List.of(blocked)),
                                ":blocked", s(blocked))).build()).build()));
    }

    @Override
    public boolean blocks(String blocker, String blocked) {
        return dynamo.getItem(get -> get.tableName(inboxTable)
                .key(Map.of(Inbox.USER_ID, s(blocker), Inbox.ITEM, s(Inbox.BLOCKS_PREFIX + blocked)))
                .projectionExpression("#item").expressionAttributeNames(Map.of("#item", Inbox.ITEM))).hasItem();
    }

    @Override
    public List<String> blocked(String blocker) {
        return List.copyOf(list(blocker, Inbox.BLOCKS_PREFIX, true));
    }

    @Override
    public Set<String> blockedBy(String userId) {
        return list(userId, Inbox.BLOCKED_BY_PREFIX, false);
    }

    private Set<String> list(String userId, String prefix, boolean consistent) {
        Set<String> users = new LinkedHashSet<>();
        dynamo.queryPaginator(query -> query.tableName(inboxTable)
                        .keyConditionExpression("#user = :user AND begins_with(#item, :prefix)")
                        .projectionExpression("#item")
                        .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#item", Inbox.ITEM))
                        .expressionAttributeValues(Map.of(":user", s(userId), ":prefix", s(prefix)))
                        .consistentRead(consistent))
                .items().forEach(item -> users.add(item.get(Inbox.ITEM).s().substring(prefix.length())));
        return users;
    }

    private TransactWriteItem put(String userId, String item, long now) {
        return TransactWriteItem.builder().put(Put.builder().tableName(inboxTable)
                .item(Map.of(Inbox.USER_ID, s(userId), Inbox.ITEM, s(item), Inbox.BLOCKED_AT, n(now))).build()).build();
    }

    private TransactWriteItem delete(String userId, String item) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(inboxTable)
                .key(Map.of(Inbox.USER_ID, s(userId), Inbox.ITEM, s(item))).build()).build();
    }

    private static Map<String, AttributeValue> metaKey(String conversationId) {
        return Map.of(Conversations.CONVERSATION_ID, s(conversationId), Conversations.ITEM, s(Conversations.META_ITEM));
    }
}
