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
import software.amazon.awscdk.services.dynamodb.EnableScalingProps;
import software.amazon.awscdk.services.dynamodb.IScalableTableAttribute;
import software.amazon.awscdk.services.dynamodb.UtilizationScalingProps;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/**
 * The DynamoDB tables of {@link Tables#ALL}, keys, indexes, TTL and stream as their definitions say.
 * On demand by default; with {@code -c billing=provisioned}, every table and index has provisioned
 * capacity with target-tracking auto scaling between {@link #MIN_CAPACITY} and {@link #MAX_CAPACITY}
 * units at {@link #TARGET_UTILIZATION} percent (docs/scale.md: from which steady load it pays).
 */
final class DataTables extends Concern {
    /** The floor of each table's and index's read and write capacity: what an idle provisioned deployment pays for. */
    static final int MIN_CAPACITY = 5;
    /** The ceiling auto scaling may reach (raise it with the account's table quota for a larger load). */
    static final int MAX_CAPACITY = 10_000;
    /**
     * Target utilization of auto scaling: scaling up takes minutes, so the headroom absorbs a rise in
     * between (and on-demand-like bursts use the table's burst capacity, 300 s of unused units).
     */
    static final double TARGET_UTILIZATION = 70;

    private final Map<TableDefinition, Table> tables = new LinkedHashMap<>();
    private final boolean provisioned;

    DataTables(Construct scope, String id, boolean retainData, boolean provisioned) {
        super(scope, id);
        this.provisioned = provisioned;
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
                // On demand by default: no capacity to plan, nothing billed for an idle deployment.
                .billingMode(provisioned ? BillingMode.PROVISIONED : BillingMode.PAY_PER_REQUEST)
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
        if (provisioned) {
            builder.readCapacity(MIN_CAPACITY).writeCapacity(MIN_CAPACITY);
        }
        Table table = builder.build();
        if (provisioned) {
            scale(table.autoScaleReadCapacity(scaling()));
            scale(table.autoScaleWriteCapacity(scaling()));
        }
        for (TableDefinition.Index index : definition.indexes()) {
            GlobalSecondaryIndexProps.Builder gsi = GlobalSecondaryIndexProps.builder()
                    .indexName(index.name())
                    .partitionKey(attribute(index.partitionKey()))
                    .projectionType(switch (index.projection()) {
                        case ALL -> ProjectionType.ALL;
                        case KEYS_ONLY -> ProjectionType.KEYS_ONLY;
                    });
            index.sortKey().ifPresent(key -> gsi.sortKey(attribute(key)));
            if (provisioned) {
                gsi.readCapacity(MIN_CAPACITY).writeCapacity(MIN_CAPACITY);
            }
            table.addGlobalSecondaryIndex(gsi.build());
            if (provisioned) {
                scale(table.autoScaleGlobalSecondaryIndexReadCapacity(index.name(), scaling()));
                scale(table.autoScaleGlobalSecondaryIndexWriteCapacity(index.name(), scaling()));
            }
        }
        return table;
    }

    private static EnableScalingProps scaling() {
        return EnableScalingProps.builder().minCapacity(MIN_CAPACITY).maxCapacity(MAX_CAPACITY).build();
    }

    private static void scale(IScalableTableAttribute capacity) {
        capacity.scaleOnUtilization(UtilizationScalingProps.builder().targetUtilizationPercent(TARGET_UTILIZATION).build());
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
