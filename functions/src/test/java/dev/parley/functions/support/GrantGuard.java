package dev.parley.functions.support;

import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.TableAccess;
import dev.parley.model.routes.TableOp;
import dev.parley.model.tables.Tables;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * A DynamoDB client interceptor that behaves as IAM does for a function granted exactly its
 * catalogue entry's {@link TableAccess}: any other action fails with AccessDenied before it is
 * sent. Every refusal is also recorded, because best-effort paths swallow failures.
 */
public final class GrantGuard implements ExecutionInterceptor {
    private final FunctionSpec spec;
    private final Map<String, Set<TableOp>> granted = new ConcurrentHashMap<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final Set<String> used = ConcurrentHashMap.newKeySet();

    public GrantGuard(FunctionSpec spec, ParleyConfig config) {
        this.spec = spec;
        for (TableAccess access : spec.tables()) {
            granted.put(config.get(Setting.valueOf(access.table().envVar())), access.ops());
        }
        Tables.ALL.forEach(table -> granted.putIfAbsent(config.get(Setting.valueOf(table.envVar())), Set.of()));
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkRequest request = context.request();
        if (request instanceof TransactWriteItemsRequest transaction) {
            // IAM authorizes each item of a transaction by its own action (PutItem, UpdateItem, ...).
            for (TransactWriteItem item : transaction.transactItems()) {
                check(item.put() != null ? "PutItem" : item.update() != null ? "UpdateItem"
                                : item.delete() != null ? "DeleteItem" : "ConditionCheckItem",
                        item.put() != null ? item.put().tableName() : item.update() != null ? item.update().tableName()
                                : item.delete() != null ? item.delete().tableName() : item.conditionCheck().tableName(),
                        null);
            }
            return;
        }
        for (String table : tables(operation, request)) {
            check(operation, table, request);
        }
    }

    /** {@code request} is null for the items of a transaction, which are never index queries. */
    private void check(String operation, String table, SdkRequest request) {
        TableOp op = op(operation, request);
        used.add(table + " " + op);
        if (op == null || !granted.getOrDefault(table, Set.of()).contains(op)) {
            String refusal = spec.id() + " may not " + operation + (op == TableOp.QUERY_INDEX ? " (index)" : "")
                    + " on " + table;
            refused.add(refusal);
            throw DynamoDbException.builder().message("AccessDenied (test grant guard): " + refusal)
                    .statusCode(400).build();
        }
    }

    /** Every action the catalogue entry lacks that a code path tried. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    /** Every (table, action) the code paths used. */
    public Set<String> used() {
        return Set.copyOf(used);
    }

    private static List<String> tables(String operation, SdkRequest request) {
        if (operation.startsWith("Batch")) {
            return request.getValueForField("RequestItems", Map.class)
                    .map(items -> ((Map<?, ?>) items).keySet().stream().map(String::valueOf).toList())
                    .orElse(List.of());
        }
        return request.getValueForField("TableName", String.class).map(List::of).orElse(List.of());
    }

    private static TableOp op(String operation, SdkRequest request) {
        return switch (operation) {
            case "GetItem" -> TableOp.GET_ITEM;
            case "BatchGetItem" -> TableOp.BATCH_GET_ITEM;
            case "Query" -> request != null && request.getValueForField("IndexName", String.class).isPresent()
                    ? TableOp.QUERY_INDEX : TableOp.QUERY;
            case "PutItem" -> TableOp.PUT_ITEM;
            case "UpdateItem" -> TableOp.UPDATE_ITEM;
            case "DeleteItem" -> TableOp.DELETE_ITEM;
            case "BatchWriteItem" -> TableOp.BATCH_WRITE_ITEM;
            case "ConditionCheckItem" -> TableOp.CONDITION_CHECK_ITEM;
            default -> null;
        };
    }
}
