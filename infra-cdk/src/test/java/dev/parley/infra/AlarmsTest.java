package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.getAtt;
import static dev.parley.infra.SynthesizedStack.ref;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class AlarmsTest {
    @Test
    void everyFunctionAlarmsOnErrorsAndThrottles() {
        for (FunctionSpec spec : Catalogue.ALL) {
            for (String metric : List.of("Errors", "Throttles")) {
                TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                        "Namespace", "AWS/Lambda",
                        "MetricName", metric,
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(function(spec).function()))),
                        "Statistic", "Sum",
                        "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                        "TreatMissingData", "notBreaching",
                        "AlarmActions", List.of(ref(STACK.alarms().topic()))));
            }
        }
    }

    @Test
    void oneFailedFunctionInvocationAlarmsButAuthorizerRejectionsNeedABurst() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(function(Catalogue.SEND).function()))),
                "Threshold", 1));
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName",
                        "Value", ref(function(Catalogue.CONNECT_AUTHORIZER).function()))),
                "Threshold", 25));
    }

    @Test
    void anyDeadLetteredStreamBatchAlarms() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", getAtt(STACK.fanout().deadLetters(), "QueueName"))),
                "ComparisonOperator", "GreaterThanThreshold",
                "Threshold", 0));
    }

    @Test
    void fanoutFallingBehindTheStreamAlarms() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Lambda",
                "MetricName", "IteratorAge",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(function(Catalogue.FANOUT).function()))),
                "Statistic", "Maximum",
                "Threshold", 60_000,
                "EvaluationPeriods", 5));
    }

    @Test
    void alarmsAreExactlyTheseAndAllNotifyTheTopic() {
        // errors and throttles per function; fan-out dead letters and iterator age; presence dead letters
        int expected = 2 * Catalogue.ALL.size() + 3;
        TEMPLATE.resourceCountIs("AWS::CloudWatch::Alarm", expected);
        TEMPLATE.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of(
                "AlarmActions", List.of(ref(STACK.alarms().topic()))), expected);
        TEMPLATE.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }
}
