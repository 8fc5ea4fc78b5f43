package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.logicalId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class TablesTest {
    @Test
    void everySharedModelTableIsDeployedAndNoOther() {
        TEMPLATE.resourceCountIs("AWS::DynamoDB::Table", Tables.ALL.size());
    }

    @Test
    void tablesHaveTheKeysOfTheirDefinition() {
        for (TableDefinition definition : Tables.ALL) {
            List<Object> keySchema = new ArrayList<>();
            keySchema.add(Map.of("AttributeName", definition.partitionKey().name(), "KeyType", "HASH"));
            definition.sortKey().ifPresent(key -> keySchema.add(Map.of("AttributeName", key.name(), "KeyType", "RANGE")));
            tableHas(definition, Map.of("KeySchema", keySchema));
        }
        tableHas(Tables.Messages.DEFINITION, Map.of("AttributeDefinitions",
                Match.arrayWith(List.of(Map.of("AttributeName", Tables.Messages.SEQ, "AttributeType", "N")))));
    }

    @Test
    void tablesAreOnDemandWithPointInTimeRecoveryAndAwsManagedEncryption() {
        TEMPLATE.resourcePropertiesCountIs("AWS::DynamoDB::Table", Map.of(
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                // SSEEnabled without a key: the AWS-managed aws/dynamodb KMS key.
                "SSESpecification", Map.of("SSEEnabled", true),
                "ProvisionedThroughput", Match.absent()), Tables.ALL.size());
    }

    @Test
    void expiringTablesHaveTheirTimeToLiveAttribute() {
        for (TableDefinition definition : Tables.ALL) {
            tableHas(definition, Map.of("TimeToLiveSpecification", definition.ttlAttribute()
                    .<Object>map(attribute -> Map.of("AttributeName", attribute, "Enabled", true))
                    .orElse(Match.absent())));
        }
    }

    @Test
    void onlyTheMessagesTableStreamsNewImagesForFanout() {
        tableHas(Tables.Messages.DEFINITION, Map.of("StreamSpecification", Map.of("StreamViewType", "NEW_IMAGE")));
        TEMPLATE.resourcePropertiesCountIs("AWS::DynamoDB::Table",
                Map.of("StreamSpecification", Match.anyValue()), 1);
    }

    @Test
    void conversationsHaveTheByMemberIndexProjectingAllAttributes() {
        tableHas(Tables.Conversations.DEFINITION, Map.of("GlobalSecondaryIndexes", List.of(Map.of(
                "IndexName", Tables.Conversations.BY_MEMBER_INDEX,
                "KeySchema", List.of(
                        Map.of("AttributeName", Tables.Conversations.MEMBER_ID, "KeyType", "HASH"),
                        Map.of("AttributeName", Tables.Conversations.CONVERSATION_ID, "KeyType", "RANGE")),
                "Projection", Map.of("ProjectionType", "ALL")))));
    }

    /**
     * byChange projects every attribute (a sync reads the entries from it); byActiveHour holds keys
     * only, so that a message within the same hour (no key change, no projected attribute) does
     * not write it.
     */
    @Test
    void theInboxHasTheChangeIndexAndTheKeysOnlyActiveHourIndex() {
        tableHas(Tables.Inbox.DEFINITION, Map.of("GlobalSecondaryIndexes", List.of(
                Map.of("IndexName", Tables.Inbox.BY_CHANGE_INDEX,
                        "KeySchema", List.of(
                                Map.of("AttributeName", Tables.Inbox.USER_ID, "KeyType", "HASH"),
                                Map.of("AttributeName", Tables.Inbox.CHANGED_AT, "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "ALL")),
                Map.of("IndexName", Tables.Inbox.BY_ACTIVE_HOUR_INDEX,
                        "KeySchema", List.of(
                                Map.of("AttributeName", Tables.Inbox.USER_ID, "KeyType", "HASH"),
                                Map.of("AttributeName", Tables.Inbox.ACTIVE_HOUR, "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "KEYS_ONLY")))));
    }

    @Test
    void tablesSurviveStackDeletionAndStrayDeletes() {
        Map<String, Map<String, Object>> retained = TEMPLATE.findResources("AWS::DynamoDB::Table", Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", true)),
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain"));
        assertThat(retained.keySet()).containsExactlyInAnyOrderElementsOf(
                Tables.ALL.stream().map(definition -> logicalId(SynthesizedStack.table(definition))).toList());
    }

    private static void tableHas(TableDefinition definition, Map<String, Object> properties) {
        Map<String, Map<String, Object>> found = TEMPLATE.findResources("AWS::DynamoDB::Table",
                Map.of("Properties", Match.objectLike(properties)));
        assertThat(found)
                .as("%s with %s", definition.envVar(), properties)
                .containsKey(logicalId(SynthesizedStack.table(definition)));
    }
}
