package dev.parley.infra;

import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/** The DynamoDB tables of {@link Tables#ALL}, keys, indexes, TTL and stream as their definitions say. */
final class DataTables extends Concern {
    private final Map<TableDefinition, Table> tables = new LinkedHashMap<>();

    DataTables(Construct scope, String id, boolean retainData) {
        super(scope, id);
        for (TableDefinition definition : Tables.ALL) {
            tables.put(definition, table(definition, retainData));
        }
    }

    /** The deployed table of a definition from {@link Tables#ALL}. */
    Table table(TableDefinition definition) {
        return Objects.requireNonNull(tables.get(definition), definition.envVar());
    }

    /** Every table, keyed by its definition, in {@link Tables#ALL} order. */
    Map<TableDefinition, Table> all() {
        return Collections.unmodifiableMap(tables);
    }

    Collection<Table> tables() {
        return tables.values();
    }

    private Table table(TableDefinition definition, boolean retainData) {
        Table.Builder builder = Table.Builder.create(this, constructId(definition.envVar()))
                .partitionKey(attribute(definition.partitionKey()))
                // On demand: no capacity to plan, nothing billed for an idle deployment.
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .encryption(TableEncryption.AWS_MANAGED)
                // Messages and memberships are users' data: deleting the stack must not delete
                // them, and deletion protection also guards against a stray delete-table.
                .removalPolicy(retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .deletionProtection(retainData);
        definition.sortKey().ifPresent(key -> builder.sortKey(attribute(key)));
        definition.ttlAttribute().ifPresent(builder::timeToLiveAttribute);
        if (definition.stream()) {
            builder.stream(StreamViewType.NEW_IMAGE);
        }
        Table table = builder.build();
        for (TableDefinition.Index index : definition.indexes()) {
            GlobalSecondaryIndexProps.Builder gsi = GlobalSecondaryIndexProps.builder()
                    .indexName(index.name())
                    .partitionKey(attribute(index.partitionKey()))
                    .projectionType(ProjectionType.ALL);
            index.sortKey().ifPresent(key -> gsi.sortKey(attribute(key)));
            table.addGlobalSecondaryIndex(gsi.build());
        }
        return table;
    }

    private static Attribute attribute(TableDefinition.Key key) {
        return Attribute.builder()
                .name(key.name())
                .type(switch (key.type()) {
                    case STRING -> AttributeType.STRING;
                    case NUMBER -> AttributeType.NUMBER;
                })
                .build();
    }

    /** {@code CONNECTIONS_TABLE} becomes {@code ConnectionsTable}. */
    static String constructId(String envVar) {
        StringBuilder id = new StringBuilder();
        for (String word : envVar.toLowerCase(Locale.ROOT).split("_")) {
            id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return id.toString();
    }
}
