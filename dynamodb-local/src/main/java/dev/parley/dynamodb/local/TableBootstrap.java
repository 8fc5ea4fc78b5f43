package dev.parley.dynamodb.local;

import dev.parley.model.config.ParleyConfig;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** Creates Parley's tables from {@link Tables#ALL}, as the CDK app does on AWS. Existing tables are kept. */
public final class TableBootstrap {
    private TableBootstrap() {}

    public static void createMissing(DynamoDbClient dynamo, ParleyConfig config) {
        List<String> existing = dynamo.listTables().tableNames();
        for (TableDefinition table : Tables.ALL) {
            String name = config.get(Setting.valueOf(table.envVar()));
            if (!existing.contains(name)) {
                try {
                    dynamo.createTable(request(table, name));
                } catch (ResourceInUseException alreadyCreated) {
                    // Another runtime on the same data created it first: that is the table we want.
                }
            } else {
                updateIndexes(dynamo, table, name);
            }
        }
    }

    /**
     * A table kept from an earlier run (a data directory) gets the indexes its definition gained
     * and loses those it dropped, one index per {@code UpdateTable} as DynamoDB allows, as a
     * deployment of the CDK app does (an index whose key changed is renamed, so it is one of each).
     */
    static void updateIndexes(DynamoDbClient dynamo, TableDefinition table, String name) {
        var description = dynamo.describeTable(describe -> describe.tableName(name)).table();
        List<String> existing = description.hasGlobalSecondaryIndexes()
                ? description.globalSecondaryIndexes().stream().map(index -> index.indexName()).toList() : List.of();
        List<String> defined = table.indexes().stream().map(TableDefinition.Index::name).toList();
        for (String gone : existing) {
            if (!defined.contains(gone)) {
                dynamo.updateTable(update -> update.tableName(name).globalSecondaryIndexUpdates(
                        GlobalSecondaryIndexUpdate.builder().delete(delete -> delete.indexName(gone)).build()));
            }
        }
        CreateTableRequest full = request(table, name);
        for (GlobalSecondaryIndex index : full.globalSecondaryIndexes()) {
            if (!existing.contains(index.indexName())) {
                dynamo.updateTable(update -> update.tableName(name).attributeDefinitions(full.attributeDefinitions())
                        .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(create -> create
                                .indexName(index.indexName()).keySchema(index.keySchema())
                                .projection(index.projection())).build()));
            }
        }
    }

    static CreateTableRequest request(TableDefinition table, String name) {
        Map<String, TableDefinition.Key> attributes = new LinkedHashMap<>();
        attributes.put(table.partitionKey().name(), table.partitionKey());
        table.sortKey().ifPresent(key -> attributes.put(key.name(), key));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (TableDefinition.Index index : table.indexes()) {
            attributes.put(index.partitionKey().name(), index.partitionKey());
            index.sortKey().ifPresent(key -> attributes.put(key.name(), key));
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(index.name())
                    .keySchema(keySchema(index.partitionKey(), index.sortKey().orElse(null)))
                    .projection(Projection.builder().projectionType(switch (index.projection()) {
                        case ALL -> ProjectionType.ALL;
                        case KEYS_ONLY -> ProjectionType.KEYS_ONLY;
                    }).build())
                    .build());
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(keySchema(table.partitionKey(), table.sortKey().orElse(null)))
                .attributeDefinitions(attributes.values().stream()
                        .map(key -> AttributeDefinition.builder()
                                .attributeName(key.name())
                                .attributeType(key.type() == TableDefinition.AttributeType.STRING
                                        ? ScalarAttributeType.S : ScalarAttributeType.N)
                                .build())
                        .toList());
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        if (table.stream()) {
            request.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE).build());
        }
        return request.build();
    }

    private static List<KeySchemaElement> keySchema(TableDefinition.Key hash, TableDefinition.Key range) {
        List<KeySchemaElement> schema = new ArrayList<>();
        schema.add(KeySchemaElement.builder().attributeName(hash.name()).keyType(KeyType.HASH).build());
        if (range != null) {
            schema.add(KeySchemaElement.builder().attributeName(range.name()).keyType(KeyType.RANGE).build());
        }
        return schema;
    }
}
