package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.function;
import static dev.parley.infra.SynthesizedStack.getAtt;
import static dev.parley.infra.SynthesizedStack.ref;
import static dev.parley.infra.SynthesizedStack.table;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.tables.TableDefinition;
import dev.parley.model.tables.Tables;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;

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
    void largeGroupChunksGivenUpOrWaitingOverAMinuteAlarm() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", getAtt(STACK.fanoutChunks().deadLetters(), "QueueName"))),
                "Threshold", 0,
                "AlarmActions", List.of(ref(STACK.alarms().topic()))));
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateAgeOfOldestMessage",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", getAtt(STACK.fanoutChunks().queue(), "QueueName"))),
                "Threshold", 60,
                "AlarmActions", List.of(ref(STACK.alarms().topic()))));
    }

    @Test
    void webSocketExecutionErrorsAlarmAtOneAndIntegrationErrorsAtABurst() {
        for (Map.Entry<String, Integer> metric : Map.of("ExecutionError", 1, "IntegrationError", 25).entrySet()) {
            TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                    "Namespace", "AWS/ApiGateway",
                    "MetricName", metric.getKey(),
                    "Dimensions", Match.arrayWith(List.of(
                            Map.of("Name", "ApiId", "Value", ref(STACK.webSocket().api())),
                            Map.of("Name", "Stage", "Value", ParleyStack.STAGE_NAME))),
                    "Statistic", "Sum",
                    "Threshold", metric.getValue(),
                    "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                    "AlarmActions", List.of(ref(STACK.alarms().topic()))));
        }
    }

    @Test
    void anyHttpApiServerErrorAlarms() {
        TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApiGateway",
                "MetricName", "5xx",
                "Dimensions", Match.arrayWith(List.of(
                        Map.of("Name", "ApiId", "Value", ref(STACK.http().api())),
                        Map.of("Name", "Stage", "Value", "$default"))),
                "Statistic", "Sum",
                "Threshold", 1,
                "AlarmActions", List.of(ref(STACK.alarms().topic()))));
    }

    @Test
    void everyTableAlarmsOnAnyThrottledReadOrWrite() {
        for (TableDefinition definition : Tables.ALL) {
            Map<String, Object> table = ref(table(definition));
            TEMPLATE.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                    // The whole list, element by element: the metrics are declared in a fixed order.
                    "Metrics", List.of(
                            Match.objectLike(Map.of("Expression", "reads + writes", "ReturnData", true)),
                            throttleMetric("reads", "ReadThrottleEvents", table),
                            throttleMetric("writes", "WriteThrottleEvents", table)),
                    "Threshold", 1,
                    "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                    "TreatMissingData", "notBreaching",
                    "AlarmActions", List.of(ref(STACK.alarms().topic()))));
        }
    }

    private static Matcher throttleMetric(String id, String name, Map<String, Object> table) {
        return Match.objectLike(Map.of("Id", id, "ReturnData", false, "MetricStat", Map.of(
                "Metric", Map.of("Namespace", "AWS/DynamoDB", "MetricName", name,
                        "Dimensions", List.of(Map.of("Name", "TableName", "Value", table))),
                "Period", 300, "Stat", "Sum")));
    }

    @Test
    void alarmsAreExactlyTheseAndAllNotifyTheTopic() {
        // errors and throttles per function; fan-out dead letters and iterator age; fan-out chunks dead
        // letters and age; presence and notifications dead letters; WebSocket execution and integration
        // errors, HTTP 5xx; throttles per table
        int expected = 2 * Catalogue.ALL.size() + 4 + 2 + 3 + Tables.ALL.size();
        TEMPLATE.resourceCountIs("AWS::CloudWatch::Alarm", expected);
        TEMPLATE.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", Map.of(
                "AlarmActions", List.of(ref(STACK.alarms().topic()))), expected);
        TEMPLATE.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }
}
