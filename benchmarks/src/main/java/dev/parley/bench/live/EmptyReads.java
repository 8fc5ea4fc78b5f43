package dev.parley.bench.live;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The read units DynamoDB Local leaves out: a Query that matches nothing reports 0 there, while
 * DynamoDB bills every read request at least one read unit (half, eventually consistent). The same
 * deviation is documented for BatchGetItem of missing keys (awslabs/amazon-dynamodb-tools#25).
 * Missing keys of a BatchGetItem are counted the same way, half a unit each (eventually consistent).
 * Installed after {@code CapacityMeter}, whose ReturnConsumedCapacity it relies on.
 */
final class EmptyReads implements ExecutionInterceptor {
    private final Map<String, DoubleAdder> minimumUnits = new ConcurrentHashMap<>();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        if (response instanceof QueryResponse query && context.request() instanceof QueryRequest request
                && query.consumedCapacity() != null && query.consumedCapacity().capacityUnits() != null
                && query.consumedCapacity().capacityUnits() == 0.0) {
            double minimum = Boolean.TRUE.equals(request.consistentRead()) ? 1.0 : 0.5;
            String key = request.tableName() + " Query";
            minimumUnits.computeIfAbsent(key, k -> new DoubleAdder()).add(minimum);
        }
        if (response instanceof software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse batch
                && context.request() instanceof software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest request) {
            request.requestItems().forEach((table, asked) -> {
                int found = batch.responses().getOrDefault(table, java.util.List.of()).size();
                int unprocessed = batch.hasUnprocessedKeys() && batch.unprocessedKeys().containsKey(table)
                        ? batch.unprocessedKeys().get(table).keys().size() : 0;
                int missing = asked.keys().size() - found - unprocessed;
                if (missing > 0) {
                    double minimum = Boolean.TRUE.equals(asked.consistentRead()) ? 1.0 : 0.5;
                    minimumUnits.computeIfAbsent(table + " BatchGetItem", k -> new DoubleAdder()).add(minimum * missing);
                }
            });
        }
    }

    /** Minimum read units of empty Queries by "table Query" (indexes under their table), sorted. */
    Map<String, Double> minimumUnits() {
        Map<String, Double> copy = new TreeMap<>();
        minimumUnits.forEach((key, units) -> copy.put(key, units.sum()));
        return copy;
    }

    double total() {
        return minimumUnits().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    void reset() {
        minimumUnits.clear();
    }
}
