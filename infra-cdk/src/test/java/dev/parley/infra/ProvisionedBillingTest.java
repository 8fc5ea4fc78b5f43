package dev.parley.infra;

import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * {@code -c billing=provisioned}: every table and index provisioned, each capacity with a
 * target-tracking scaling policy, and cdk-nag finds nothing new.
 */
class ProvisionedBillingTest {
    private static final ParleyStack STACK = SynthesizedStack.stackWith(Map.of("billing", "provisioned"));

    static {
        Aspects.of(STACK.getNode().getScope()).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    }

    private static final Template TEMPLATE = DeepStackSynthesis.template(STACK);
    private static final Annotations ANNOTATIONS = DeepStackSynthesis.annotations(STACK);

    private static int indexes() {
        return Tables.ALL.stream().mapToInt(definition -> definition.indexes().size()).sum();
    }

    @Test
    void everyTableIsProvisionedFromTheFloorCapacity() {
        TEMPLATE.resourcePropertiesCountIs("AWS::DynamoDB::Table", Map.of(
                "BillingMode", Match.absent(),
                "ProvisionedThroughput", Map.of("ReadCapacityUnits", DataTables.MIN_CAPACITY,
                        "WriteCapacityUnits", DataTables.MIN_CAPACITY)), Tables.ALL.size());
        for (TableDefinition definition : Tables.ALL) {
            for (TableDefinition.Index index : definition.indexes()) {
                TEMPLATE.hasResourceProperties("AWS::DynamoDB::Table", Map.of("GlobalSecondaryIndexes",
                        Match.arrayWith(java.util.List.of(Match.objectLike(Map.of("IndexName", index.name(),
                                "ProvisionedThroughput", Map.of("ReadCapacityUnits", DataTables.MIN_CAPACITY,
                                        "WriteCapacityUnits", DataTables.MIN_CAPACITY)))))));
            }
        }
    }

    @Test
    void everyReadAndWriteCapacityScalesOnUtilization() {
        int capacities = 2 * (Tables.ALL.size() + indexes());
        TEMPLATE.resourcePropertiesCountIs("AWS::ApplicationAutoScaling::ScalableTarget", Map.of(
                "MinCapacity", DataTables.MIN_CAPACITY, "MaxCapacity", DataTables.MAX_CAPACITY,
                "ServiceNamespace", "dynamodb"), capacities);
        TEMPLATE.resourcePropertiesCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
                "PolicyType", "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                        "TargetValue", DataTables.TARGET_UTILIZATION))), capacities);
    }

    @Test
    void cdkNagFindsNothingUnsuppressed() {
        ANNOTATIONS.hasNoError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        ANNOTATIONS.hasNoWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    }
}
