package dev.parley.functions.snapstart;

import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.TableAccess;
import dev.parley.model.routes.TableOp;
import dev.parley.model.tables.TableDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The one cheap DynamoDB call a function makes before its snapshot, on a key no item can have
 * ({@value #KEY}) and with an action its catalogue entry already grants, so it needs no permission
 * of its own and changes nothing: a Query of that partition when the function may Query a table,
 * else a GetItem, else an UpdateItem conditioned on the item existing, which DynamoDB refuses
 * without writing. It takes the SDK through what a first request would: endpoint rules,
 * credentials, signing, the HTTP connection, marshalling both ways. Half a read unit (a refused
 * update: one write unit) per published version.
 */
public record ProbeCall(String table, TableDefinition definition, TableOp op) {
    /** No user, conversation or connection id can look like this (ids are validated on the way in). */
    static final String KEY = "parley#snapstart-probe";

    private static final List<TableOp> PREFERRED = List.of(TableOp.QUERY, TableOp.GET_ITEM, TableOp.UPDATE_ITEM);

    /** The probe of a function, or empty when it may call no table in one of these ways. */
    public static Optional<ProbeCall> of(FunctionSpec spec, Function<TableDefinition, String> tableNames) {
        for (TableOp op : PREFERRED) {
            for (TableAccess access : spec.tables()) {
                if (access.ops().contains(op)) {
                    return Optional.of(new ProbeCall(tableNames.apply(access.table()), access.table(), op));
                }
            }
        }
        return Optional.empty();
    }

    /** Makes the call; it finds nothing, or is refused by its condition. */
    public void run(DynamoDbClient dynamo) {
        TableDefinition.Key partition = definition.partitionKey();
        switch (op) {
            case QUERY -> dynamo.query(query -> query.tableName(table).keyConditionExpression("#pk = :pk").limit(1)
                    .expressionAttributeNames(Map.of("#pk", partition.name()))
                    .expressionAttributeValues(Map.of(":pk", value(partition))));
            case GET_ITEM -> dynamo.getItem(get -> get.tableName(table).key(key()));
            case UPDATE_ITEM -> {
                try {
                    dynamo.updateItem(update -> update.tableName(table).key(key())
                            .updateExpression("SET #probe = :probe")
                            .conditionExpression("attribute_exists(#pk)")
                            .expressionAttributeNames(Map.of("#probe", "probe", "#pk", partition.name()))
                            .expressionAttributeValues(Map.of(":probe", AttributeValue.fromBool(true))));
                    throw new IllegalStateException("the probe item exists in " + table);
                } catch (ConditionalCheckFailedException expected) {
                    // Refused, as intended: nothing was written.
                }
            }
            default -> throw new IllegalStateException("no probe by " + op);
        }
    }

    private Map<String, AttributeValue> key() {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put(definition.partitionKey().name(), value(definition.partitionKey()));
        definition.sortKey().ifPresent(sort -> key.put(sort.name(), value(sort)));
        return key;
    }

    private static AttributeValue value(TableDefinition.Key key) {
        return switch (key.type()) {
            case STRING -> AttributeValue.fromS(KEY);
            case NUMBER -> AttributeValue.fromN("-1");
        };
    }
}
