package dev.parley.bench.live;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Function;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The capacity units spent on one partition key value (a group's conversation id): what a hot
 * partition's 1,000 WCU and 3,000 RCU per second are measured against. An interceptor placed after
 * the {@code CapacityMeter} (which asks every item operation for its consumed capacity): a write or
 * read counts when the key's partition attribute of its table holds the watched value. A
 * transaction's units (reported per table) are shared out evenly over its items of that table.
 * BatchGetItem and BatchWriteItem are not attributed (no path of a message uses them on a group's key).
 */
final class PartitionUnits implements ExecutionInterceptor {
    private final AtomicReference<String> watched = new AtomicReference<>();
    private final DoubleAdder writes = new DoubleAdder();
    private final DoubleAdder reads = new DoubleAdder();
    private final Function<String, String> partitionKeyOf;
    private final Map<String, String> keys = new ConcurrentHashMap<>();

    /** {@code partitionKeyOf}: a table name to the name of its partition key attribute. */
    PartitionUnits(Function<String, String> partitionKeyOf) {
        this.partitionKeyOf = partitionKeyOf;
    }

    /** Starts counting the units spent on this partition key value, from zero. */
    void watch(String partitionValue) {
        watched.set(partitionValue);
        writes.reset();
        reads.reset();
    }

    double writeUnits() {
        return writes.sum();
    }

    double readUnits() {
        return reads.sum();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String value = watched.get();
        if (value == null) {
            return;
        }
        Object request = context.request();
        Object response = context.response();
        if (request instanceof PutItemRequest put && response instanceof PutItemResponse answer) {
            count(writes, put.tableName(), put.item(), value, answer.consumedCapacity());
        } else if (request instanceof UpdateItemRequest update && response instanceof UpdateItemResponse answer) {
            count(writes, update.tableName(), update.key(), value, answer.consumedCapacity());
        } else if (request instanceof DeleteItemRequest delete && response instanceof DeleteItemResponse answer) {
            count(writes, delete.tableName(), delete.key(), value, answer.consumedCapacity());
        } else if (request instanceof GetItemRequest get && response instanceof GetItemResponse answer) {
            count(reads, get.tableName(), get.key(), value, answer.consumedCapacity());
        } else if (request instanceof QueryRequest query && response instanceof QueryResponse answer
                && query.indexName() == null && query.expressionAttributeValues() != null
                && query.expressionAttributeValues().values().stream().anyMatch(v -> value.equals(v.s()))
                && answer.consumedCapacity() != null && answer.consumedCapacity().capacityUnits() != null) {
            reads.add(answer.consumedCapacity().capacityUnits()); // a Query of the base table names its partition
        } else if (request instanceof TransactWriteItemsRequest transaction && response instanceof TransactWriteItemsResponse answer
                && answer.consumedCapacity() != null) {
            for (ConsumedCapacity capacity : answer.consumedCapacity()) {
                if (capacity.capacityUnits() == null) {
                    continue;
                }
                long inTable = transaction.transactItems().stream().filter(item -> capacity.tableName().equals(table(item))).count();
                long onPartition = transaction.transactItems().stream()
                        .filter(item -> capacity.tableName().equals(table(item)) && onPartition(table(item), key(item), value)).count();
                if (inTable > 0 && onPartition > 0) {
                    writes.add(capacity.capacityUnits() * onPartition / inTable);
                }
            }
        }
    }

    private void count(DoubleAdder units, String table, Map<String, AttributeValue> key, String value, ConsumedCapacity capacity) {
        if (capacity != null && capacity.capacityUnits() != null && onPartition(table, key, value)) {
            units.add(capacity.capacityUnits());
        }
    }

    private boolean onPartition(String table, Map<String, AttributeValue> key, String value) {
        if (table == null || key == null) {
            return false;
        }
        AttributeValue partition = key.get(keys.computeIfAbsent(table, partitionKeyOf));
        return partition != null && value.equals(partition.s());
    }

    private static String table(TransactWriteItem item) {
        if (item.put() != null) return item.put().tableName();
        if (item.update() != null) return item.update().tableName();
        if (item.delete() != null) return item.delete().tableName();
        return item.conditionCheck() == null ? null : item.conditionCheck().tableName();
    }

    private static Map<String, AttributeValue> key(TransactWriteItem item) {
        if (item.put() != null) return item.put().item();
        if (item.update() != null) return item.update().key();
        if (item.delete() != null) return item.delete().key();
        return item.conditionCheck() == null ? null : item.conditionCheck().key();
    }
}
