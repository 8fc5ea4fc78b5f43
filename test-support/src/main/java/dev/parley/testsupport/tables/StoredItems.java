package dev.parley.testsupport.tables;

import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the functions stored, read straight from the tables (strongly consistent) for assertions:
 * "nothing was stored" is a query that comes back empty, never the absence of an error.
 */
public final class StoredItems {
    private final DynamoDbClient dynamo;
    private final ParleyConfig config;

    public StoredItems(DynamoDbClient dynamo, ParleyConfig config) {
        this.dynamo = dynamo;
        this.config = config;
    }

    /** Every timeline item of the conversation (messages and gaps), in seq order. */
    public List<Map<String, AttributeValue>> timeline(String conversationId) {
        return queryAll(Setting.MESSAGES_TABLE, Tables.Messages.CONVERSATION_ID, conversationId);
    }

    public List<Map<String, AttributeValue>> messages(String conversationId) {
        return timeline(conversationId).stream()
                .filter(item -> Tables.Messages.TYPE_MESSAGE.equals(item.get(Tables.Messages.ENTRY_TYPE).s()))
                .toList();
    }

    public List<Map<String, AttributeValue>> gaps(String conversationId) {
        return timeline(conversationId).stream()
                .filter(item -> Tables.Messages.TYPE_GAP.equals(item.get(Tables.Messages.ENTRY_TYPE).s()))
                .toList();
    }

    /** Every item the conversations table holds for the conversation: its meta item, members, cursors. */
    public List<Map<String, AttributeValue>> conversationItems(String conversationId) {
        return queryAll(Setting.CONVERSATIONS_TABLE, Tables.Conversations.CONVERSATION_ID, conversationId);
    }

    /** The member ids of the conversation, as stored. */
    public List<String> members(String conversationId) {
        return conversationItems(conversationId).stream()
                .filter(item -> item.get(Tables.Conversations.ITEM).s().startsWith(Tables.Conversations.MEMBER_ITEM_PREFIX))
                .map(item -> item.get(Tables.Conversations.ITEM).s().substring(Tables.Conversations.MEMBER_ITEM_PREFIX.length()))
                .toList();
    }

    /** The conversation's seq counter, or empty when it has no meta item. */
    public Optional<Long> lastSeq(String conversationId) {
        Map<String, AttributeValue> meta = dynamo.getItem(g -> g.tableName(config.get(Setting.CONVERSATIONS_TABLE))
                .key(Map.of(Tables.Conversations.CONVERSATION_ID, AttributeValue.fromS(conversationId),
                        Tables.Conversations.ITEM, AttributeValue.fromS(Tables.Conversations.META_ITEM)))
                .consistentRead(true)).item();
        return Optional.ofNullable(meta.get(Tables.Conversations.LAST_SEQ)).map(seq -> Long.parseLong(seq.n()));
    }

    /** Connection ids the connections table holds for the user. */
    public List<String> connectionsOf(String userId) {
        return queryAll(Setting.CONNECTIONS_TABLE, Tables.Connections.USER_ID, userId).stream()
                .map(item -> item.get(Tables.Connections.CONNECTION_ID).s())
                .filter(id -> !Tables.Connections.LIVE_ITEM.equals(id)).toList();
    }

    /** The groups the user is a member of (through the by-member index: eventually consistent). */
    public List<String> conversationsOf(String userId) {
        return dynamo.queryPaginator(q -> q.tableName(config.get(Setting.CONVERSATIONS_TABLE))
                        .indexName(Tables.Conversations.BY_MEMBER_INDEX)
                        .keyConditionExpression("#m = :m")
                        .expressionAttributeNames(Map.of("#m", Tables.Conversations.MEMBER_ID))
                        .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(userId))))
                .items().stream().map(item -> item.get(Tables.Conversations.CONVERSATION_ID).s()).toList();
    }

    private List<Map<String, AttributeValue>> queryAll(Setting table, String partitionKey, String value) {
        return dynamo.queryPaginator(q -> q.tableName(config.get(table))
                        .keyConditionExpression("#k = :k")
                        .expressionAttributeNames(Map.of("#k", partitionKey))
                        .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(value)))
                        .consistentRead(true))
                .items().stream().toList();
    }
}
