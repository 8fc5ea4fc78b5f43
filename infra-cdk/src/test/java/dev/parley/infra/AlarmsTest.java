package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.getAtt;
import static dev.parley.infra.SynthesizedStack.ref;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class AlarmsTest {
    @Test
    void everyFunctionAlarmsOnErrorsAndThrottles() {
        for (ParleyHandler handler : ParleyHandler.values()) {
            for (String metric : List.of("Errors", "Throttles")) {
                TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                        "Namespace", "AWS/Lambda",
                        "MetricName", metric,
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(function(handler).function()))),
                        "Statistic", "Sum",
                        "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                        "TreatMissingData", "notBreaching",
                        "AlarmActions", List.of(ref(STACK.getNode().findChild("AlarmTopic")))));
            }
        }
    }

    @Test
    void oneFailedFunctionInvocationAlarmsButAuthorizerRejectionsNeedABurst() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(function(ParleyHandler.SEND).function()))),
                "Threshold", 1));
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName",
                        "Value", ref(function(ParleyHandler.CONNECT_AUTHORIZER).function()))),
                "Threshold", 25));
    }

    @Test
    void anyDeadLetteredStreamBatchAlarms() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", getAtt(STACK.getNode().findChild("FanoutDeadLetterQueue"), "QueueName"))),
                "ComparisonOperator", "GreaterThanThreshold",
                "Threshold", 0));
    }

    @Test
    void fanoutFallingBehindTheStreamAlarms() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Lambda",
                "MetricName", "IteratorAge",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", ref(function(ParleyHandler.FANOUT).function()))),
                "Statistic", "Maximum",
                "Threshold", 60_000,
                "EvaluationPeriods", 5));
    }

    @Test
    void alarmsAreExactlyTheseAndAllNotifyTheTopic() {
        // errors and throttles per function; fan-out dead letters and iterator age; presence dead letters
        int expected = 2 * ParleyHandler.values().length + 3;
        TEMPLATE.resourceCountIs("AWS::CloudWatch::Alarm", expected);
        TEMPLATE.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of(
                "AlarmActions", List.of(ref(STACK.getNode().findChild("AlarmTopic")))), expected);
        TEMPLATE.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }
}
