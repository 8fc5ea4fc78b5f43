package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.tables.Tables.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** {@link MessageStore} on the messages table (key: conversationId, seq). */
public final class DynamoMessageStore implements MessageStore {
    /** Each seq is written once: a message and a gap marker can never replace one another. */
    static final String WRITE_ONCE = "attribute_not_exists(#seq)";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoMessageStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<TimelineEntry> putIfAbsent(Message message, String originConnectionId) {
        return putIfAbsent(MessageItems.toItem(message, originConnectionId), message.conversationId(), message.seq());
    }

    @Override
    public Optional<TimelineEntry> putIfAbsent(Gap gap) {
        return putIfAbsent(MessageItems.toItem(gap), gap.conversationId(), gap.seq());
    }

    private Optional<TimelineEntry> putIfAbsent(Map<String, AttributeValue> item, String conversationId, long seq) {
        try {
            dynamo.putItem(put -> put.tableName(table)
                    .item(item)
                    .conditionExpression(WRITE_ONCE)
                    .expressionAttributeNames(Map.of("#seq", Messages.SEQ))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException taken) {
            if (taken.hasItem() && !taken.item().isEmpty()) {
                return Optional.of(MessageItems.fromItem(taken.item()));
            }
            return get(conversationId, seq);
        }
    }

    @Override
    public List<TimelineEntry> range(String conversationId, long fromSeq, long toSeq, int limit, boolean ascending) {
        List<TimelineEntry> entries = new ArrayList<>();
        if (fromSeq > toSeq || limit <= 0) {
            return entries;
        }
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("#conv = :conv AND #seq BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#conv", Messages.CONVERSATION_ID, "#seq", Messages.SEQ))
                    .expressionAttributeValues(Map.of(":conv", s(conversationId), ":from", n(fromSeq), ":to", n(toSeq)))
                    .scanIndexForward(ascending)
                    .limit(limit - entries.size())
                    .consistentRead(true);
            if (startKey != null) {
                query.exclusiveStartKey(startKey);
            }
            QueryResponse page = dynamo.query(query.build());
            page.items().forEach(item -> entries.add(MessageItems.fromItem(item)));
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null && entries.size() < limit);
        return entries;
    }

    @Override
    public long countFromOthers(String conversationId, long afterSeq, long upToSeq, String userId) {
        if (afterSeq >= upToSeq) {
            return 0;
        }
        long count = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("#conv = :conv AND #seq BETWEEN :from AND :to")
                    .filterExpression("#type = :message AND #sender <> :me")
                    .expressionAttributeNames(Map.of("#conv", Messages.CONVERSATION_ID, "#seq", Messages.SEQ,
                            "#type", Messages.ENTRY_TYPE, "#sender", Messages.SENDER_ID))
                    .expressionAttributeValues(Map.of(":conv", s(conversationId), ":from", n(afterSeq + 1),
                            ":to", n(upToSeq), ":message", s(Messages.TYPE_MESSAGE), ":me", s(userId)))
                    .select(Select.COUNT);
            if (startKey != null) {
                query.exclusiveStartKey(startKey);
            }
            QueryResponse page = dynamo.query(query.build());
            count += page.count();
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return count;
    }

    @Override
    public Optional<TimelineEntry> get(String conversationId, long seq) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(table)
                .key(Map.of(Messages.CONVERSATION_ID, s(conversationId), Messages.SEQ, n(seq)))
                .consistentRead(true));
        return response.hasItem() && !response.item().isEmpty()
                ? Optional.of(MessageItems.fromItem(response.item()))
                : Optional.empty();
    }
}
