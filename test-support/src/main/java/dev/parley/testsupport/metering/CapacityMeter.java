package dev.parley.testsupport.metering;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Meters DynamoDB capacity units per table and operation. As an SDK interceptor on the functions'
 * client it asks every item operation for {@code ReturnConsumedCapacity=TOTAL} and adds up what
 * DynamoDB (Local, with the AWS formula) reports. Failed conditional writes consume capacity
 * too, but their responses carry none: those are counted by {@link #conditionalFailures()}.
 */
public final class CapacityMeter implements ExecutionInterceptor {
    private final Map<String, DoubleAdder> writeUnits = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> readUnits = new ConcurrentHashMap<>();
    private final DoubleAdder failedConditions = new DoubleAdder();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof PutItemRequest put) {
            return put.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof UpdateItemRequest update) {
            return update.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof DeleteItemRequest delete) {
            return delete.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof GetItemRequest get) {
            return get.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof QueryRequest query) {
            return query.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest transaction) {
            return transaction.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (request instanceof software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest batch) {
            return batch.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        return request;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        if (response instanceof PutItemResponse put) {
            add(writeUnits, "PutItem", put.consumedCapacity());
        } else if (response instanceof UpdateItemResponse update) {
            add(writeUnits, "UpdateItem", update.consumedCapacity());
        } else if (response instanceof DeleteItemResponse delete) {
            add(writeUnits, "DeleteItem", delete.consumedCapacity());
        } else if (response instanceof GetItemResponse get) {
            add(readUnits, "GetItem", get.consumedCapacity());
        } else if (response instanceof QueryResponse query) {
            add(readUnits, "Query", query.consumedCapacity());
        } else if (response instanceof software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse transaction) {
            // one entry per table; a transaction bills two write units per item-KB (prepare and commit)
            transaction.consumedCapacity().forEach(capacity -> add(writeUnits, "TransactWriteItems", capacity));
        } else if (response instanceof software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse batch) {
            batch.consumedCapacity().forEach(capacity -> add(readUnits, "BatchGetItem", capacity));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.exception() instanceof software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException) {
            failedConditions.add(1);
        }
    }

    private static void add(Map<String, DoubleAdder> units, String operation, ConsumedCapacity capacity) {
        if (capacity != null && capacity.capacityUnits() != null) {
            units.computeIfAbsent(capacity.tableName() + " " + operation, key -> new DoubleAdder())
                    .add(capacity.capacityUnits());
        }
    }

    /** Write units by "table operation", sorted. */
    public Map<String, Double> writeUnits() {
        return snapshot(writeUnits);
    }

    /** Read units by "table operation", sorted. */
    public Map<String, Double> readUnits() {
        return snapshot(readUnits);
    }

    public double totalWriteUnits() {
        return writeUnits().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    public double totalReadUnits() {
        return readUnits().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Conditional writes refused (each still costs write units on DynamoDB). */
    public long conditionalFailures() {
        return (long) failedConditions.sum();
    }

    public void reset() {
        writeUnits.clear();
        readUnits.clear();
        failedConditions.reset();
    }

    private static Map<String, Double> snapshot(Map<String, DoubleAdder> units) {
        Map<String, Double> copy = new TreeMap<>();
        units.forEach((key, adder) -> copy.put(key, adder.sum()));
        return copy;
    }
}
