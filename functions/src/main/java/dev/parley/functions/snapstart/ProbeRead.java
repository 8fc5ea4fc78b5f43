package dev.parley.functions.snapstart;

import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.TableAccess;
import dev.parley.model.routes.TableOp;
import dev.parley.model.tables.TableDefinition;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one cheap DynamoDB call a function makes before its snapshot: a read of a key no item can
 * have ({@value #KEY}), on a table its catalogue entry already lets it read (a Query of the
 * partition when it may Query, else a GetItem), so it needs no extra permission and changes
 * nothing. It takes the SDK through what a first request would: endpoint rules, credentials,
 * signing, the HTTP connection, marshalling both ways. Half a read unit per snapshot.
 */
public record ProbeRead(String table, TableDefinition definition, TableOp op) {
    /** No user, conversation or connection id can look like this (ids are validated on the way in). */
    static final String KEY = "parley#snapstart-probe";

    /** The probe of a function, or empty when it may read no table (it then primes without a call). */
    public static Optional<ProbeRead> of(FunctionSpec spec, Function<TableDefinition, String> tableNames) {
        for (TableOp op : new TableOp[] {TableOp.QUERY, TableOp.GET_ITEM}) {
            for (TableAccess access : spec.tables()) {
                if (access.ops().contains(op)) {
                    return Optional.of(new ProbeRead(tableNames.apply(access.table()), access.table(), op));
                }
            }
        }
        return Optional.empty();
    }

    /** Makes the read; it finds nothing. */
    public void run(DynamoDbClient dynamo) {
        TableDefinition.Key partition = definition.partitionKey();
        if (op == TableOp.QUERY) {
            dynamo.query(query -> query.tableName(table).keyConditionExpression("#pk = :pk").limit(1)
                    .expressionAttributeNames(Map.of("#pk", partition.name()))
                    .expressionAttributeValues(Map.of(":pk", value(partition))));
        } else {
            var key = new java.util.HashMap<String, AttributeValue>();
            key.put(partition.name(), value(partition));
            definition.sortKey().ifPresent(sort -> key.put(sort.name(), value(sort)));
            dynamo.getItem(get -> get.tableName(table).key(key));
        }
    }

    private static AttributeValue value(TableDefinition.Key key) {
        return switch (key.type()) {
            case STRING -> AttributeValue.fromS(KEY);
            case NUMBER -> AttributeValue.fromN("-1");
        };
    }
}
