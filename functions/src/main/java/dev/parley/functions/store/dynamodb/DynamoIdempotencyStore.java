package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.IdempotencyStore;
import dev.parley.model.tables.Tables.Idempotency;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** {@link IdempotencyStore} on the idempotency table (key: conversation|sender|clientMsgId). */
public final class DynamoIdempotencyStore implements IdempotencyStore {
    /**
     * A claim succeeds when no record exists, or when the one that exists has expired. DynamoDB's
     * TTL deletes expired items only eventually (up to days later), so without the second clause a
     * clientMsgId reused after the window would be answered with a stale seq.
     */
    static final String CLAIM_CONDITION = "attribute_not_exists(#key) OR #expires < :nowSeconds";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoIdempotencyStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Optional<Record> claim(Key message, long seq, long sentAt, String contentHash, long expiresAtEpochSecond) {
        String key = key(message);
        Map<String, AttributeValue> record = new HashMap<>(Map.of(
                Idempotency.KEY, s(key),
                Idempotency.SEQ, n(seq),
                Idempotency.SENT_AT, n(sentAt),
                Idempotency.EXPIRES_AT, n(expiresAtEpochSecond)));
        if (contentHash != null) {
            record.put(Idempotency.CONTENT_HASH, s(contentHash));
        }
        try {
            dynamo.putItem(put -> put.tableName(table)
                    .item(record)
                    .conditionExpression(CLAIM_CONDITION)
                    .expressionAttributeNames(Map.of("#key", Idempotency.KEY, "#expires", Idempotency.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":nowSeconds", n(clock.millis() / 1000)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException claimed) {
            Map<String, AttributeValue> item = claimed.hasItem() && !claimed.item().isEmpty()
                    ? claimed.item()
                    : dynamo.getItem(get -> get.tableName(table).key(Map.of(Idempotency.KEY, s(key))).consistentRead(true)).item();
            return Optional.of(toRecord(item));
        }
    }

    @Override
    public Record reassign(Key message, long fromSeq, long toSeq, long sentAt) {
        String key = key(message);
        try {
            return toRecord(dynamo.updateItem(update -> update.tableName(table)
                    .key(Map.of(Idempotency.KEY, s(key)))
                    .updateExpression("SET #seq = :to, #sentAt = :sentAt")
                    .conditionExpression("#seq = :from")
                    .expressionAttributeNames(Map.of("#seq", Idempotency.SEQ, "#sentAt", Idempotency.SENT_AT))
                    .expressionAttributeValues(Map.of(":to", n(toSeq), ":from", n(fromSeq), ":sentAt", n(sentAt)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes());
        } catch (ConditionalCheckFailedException movedByAnother) {
            return toRecord(dynamo.getItem(get -> get.tableName(table)
                    .key(Map.of(Idempotency.KEY, s(key))).consistentRead(true)).item());
        }
    }

    @Override
    public Optional<Record> find(Key message) {
        String key = key(message);
        Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table)
                .key(Map.of(Idempotency.KEY, s(key))).consistentRead(true)).item();
        if (item == null || item.isEmpty() || Attr.number(item, Idempotency.EXPIRES_AT, 0) < clock.millis() / 1000) {
            return Optional.empty();
        }
        return Optional.of(toRecord(item));
    }

    private static String key(Key message) {
        return Idempotency.key(message.conversationId(), message.senderId(), message.clientMsgId());
    }

    private static Record toRecord(Map<String, AttributeValue> item) {
        return new Record(Attr.number(item, Idempotency.SEQ, 0), Attr.number(item, Idempotency.SENT_AT, 0),
                Attr.string(item, Idempotency.CONTENT_HASH));
    }
}
