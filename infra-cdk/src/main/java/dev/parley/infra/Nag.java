package dev.parley.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/** cdk-nag suppressions: each names the rule, the reason, and (where it can) the exact finding. */
final class Nag {
    private Nag() {}

    /** Suppresses a rule on one resource (and its children). */
    static void suppress(IConstruct resource, String rule, String reason) {
        NagSuppressions.addResourceSuppressions(resource, List.of(
                NagPackSuppression.builder().id(rule).reason(reason).build()), true);
    }

    /** Suppresses only the listed findings of a rule (e.g. {@code Resource::...}) on a resource. */
    static void suppress(IConstruct resource, String rule, String reason, String... appliesTo) {
        NagSuppressions.addResourceSuppressions(resource, List.of(NagPackSuppression.builder()
                .id(rule).reason(reason).appliesTo(List.of((Object[]) appliesTo)).build()), true);
    }

    /** The CloudFormation logical id of a construct's resource, as cdk-nag names it in findings. */
    static String logicalId(IConstruct construct) {
        Stack stack = Stack.of(construct);
        return stack.resolve(stack.getLogicalId((CfnElement) construct.getNode().getDefaultChild())).toString();
    }
}
