package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import java.util.Map;
import java.util.TreeMap;
import software.constructs.Construct;

/**
 * What an operator must hear about, each alarm sending to one SNS topic ({@code -c alarmEmail=...}
 * subscribes an address): errors and throttles of every function, dead-lettered stream records and
 * offline checks, fan-out falling behind the stream, failed integrations of both APIs, and throttled
 * requests on every table. No datapoints (no traffic) is never an alarm.
 */
final class Alarms extends Concern {
    private static final MetricOptions FIVE_MINUTE_SUM = MetricOptions.builder()
            .period(Duration.minutes(5)).statistic("Sum").build();
    private static final MetricOptions FIVE_MINUTE_MAXIMUM = MetricOptions.builder()
            .period(Duration.minutes(5)).statistic("Maximum").build();

    private final Topic topic;

    Alarms(Construct scope, String id, String email) {
        super(scope, id);
        topic = Topic.Builder.create(this, "AlarmTopic")
                .displayName("Parley alarms")
                .enforceSsl(true)
                .build();
        if (!email.isBlank()) {
            topic.addSubscription(new EmailSubscription(email));
        }
        Nag.suppress(topic, "AwsSolutions-SNS2",
                "Alarm notifications carry metric names and thresholds, no user data. CloudWatch cannot "
                        + "publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed "
                        + "key would add a fixed monthly charge to an otherwise idle deployment.");
    }

    Topic topic() {
        return topic;
    }

    /** Errors and throttles of every function. */
    void functions(Functions functions) {
        for (JavaFunction function : functions.all()) {
            String id = function.spec().id();
            // The authorizer refuses a bad token by failing the invocation (API Gateway then answers
            // 401), so its errors count rejected clients too; a burst means a broken JWKS/issuer
            // setting or someone hammering with bad tokens.
            double errorThreshold = function.spec() == Catalogue.CONNECT_AUTHORIZER ? 25 : 1;
            alarm(id + "Errors", function.function().metricErrors(FIVE_MINUTE_SUM), errorThreshold,
                    ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                    id + " function invocations failed.");
            alarm(id + "Throttles", function.function().metricThrottles(FIVE_MINUTE_SUM), 1,
                    ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                    id + " function invocations were throttled: account concurrency is exhausted.");
        }
    }

    /** Records given up and the stream lag of fan-out. */
    void fanout(Fanout fanout) {
        alarm("FanoutDeadLetters", fanout.deadLetters().metricApproximateNumberOfMessagesVisible(FIVE_MINUTE_MAXIMUM),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                "Fan-out gave up on stream records: some recipients missed live pushes (they recover on sync).");
        alarm("FanoutIteratorAge", fanout.function().function().metric("IteratorAge",
                        MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()),
                60_000, ComparisonOperator.GREATER_THAN_THRESHOLD, 5,
                "Fan-out lags the messages stream by more than a minute: live delivery is delayed.");
    }

    /**
     * The APIs' own view of failures, which the function alarms miss: a timed-out or throttled
     * invocation, a handler that answered HTTP 500 after catching its failure, a broken integration.
     * Metric names as API Gateway publishes them per stage (ApiId and Stage dimensions): WebSocket
     * APIs {@code ExecutionError} and {@code IntegrationError}, HTTP APIs {@code 5xx}.
     */
    void apis(WebSocketEndpoint webSocket, HttpEndpoint http) {
        alarm("WebSocketExecutionErrors", webSocket.stage().metric("ExecutionError", FIVE_MINUTE_SUM), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                "API Gateway failed to call a WebSocket route's function (timeout, throttling, permissions).");
        // IntegrationError also counts the 4XX answers of $connect, which refuses a user over their share
        // of connections with 429: a burst, not one, is worth waking someone for.
        alarm("WebSocketIntegrationErrors", webSocket.stage().metric("IntegrationError", FIVE_MINUTE_SUM), 25,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                "WebSocket route functions answered many 4XX/5XX responses (refused or failed connections).");
        alarm("HttpServerErrors", http.stage().metricServerError(FIVE_MINUTE_SUM), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                "The HTTP API answered 5XX: a function failed, timed out or was throttled.");
    }

    /**
     * Throttled reads or writes on each table (its indexes' back-pressure on writes included). On
     * demand, DynamoDB throttles a table whose traffic doubles its previous peak within 30 minutes,
     * or that hits the table's or a partition's maximum throughput.
     */
    void tables(DataTables tables) {
        tables.all().forEach((definition, table) -> alarm(DataTables.constructId(definition.envVar()) + "Throttles",
                throttleEvents(table), 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1,
                definition.defaultName() + " table requests were throttled: callers retried or failed."));
    }

    private static IMetric throttleEvents(Table table) {
        return MathExpression.Builder.create()
                .expression("reads + writes")
                // Sorted: Map.of's iteration order changes from one JVM to the next, and so would the template.
                .usingMetrics(new TreeMap<>(Map.of(
                        "reads", table.metric("ReadThrottleEvents", FIVE_MINUTE_SUM),
                        "writes", table.metric("WriteThrottleEvents", FIVE_MINUTE_SUM))))
                .label("ThrottleEvents")
                .period(Duration.minutes(5))
                .build();
    }

    /** Chunks of large conversations' fan-out given up, or waiting too long. */
    void fanoutChunks(FanoutChunks chunks) {
        alarm("FanoutChunksDeadLetters", chunks.deadLetters().metricApproximateNumberOfMessagesVisible(FIVE_MINUTE_MAXIMUM),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                "Fan-out gave up on chunks of a large group: their recipients missed live pushes (they recover on sync).");
        alarm("FanoutChunksAge", chunks.queue().metricApproximateAgeOfOldestMessage(
                        MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()),
                60, ComparisonOperator.GREATER_THAN_THRESHOLD, 5,
                "Chunks of large groups wait more than a minute: live delivery to large groups is delayed.");
    }

    /** Offline notifications given up. */
    void notifications(Notifications notifications) {
        alarm("NotificationsDeadLetters", notifications.deadLetters().metricApproximateNumberOfMessagesVisible(FIVE_MINUTE_MAXIMUM),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                "Offline notifications failed repeatedly: some users were not notified of messages.");
    }

    /** Offline checks given up. */
    void presence(Presence presence) {
        alarm("PresenceDeadLetters", presence.deadLetters().metricApproximateNumberOfMessagesVisible(FIVE_MINUTE_MAXIMUM),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD, 1,
                "Offline checks failed repeatedly: some users may be shown online after they left.");
    }

    private void alarm(String id, IMetric metric, double threshold, ComparisonOperator comparison,
                       int evaluationPeriods, String description) {
        Alarm alarm = Alarm.Builder.create(this, id + "Alarm")
                .metric(metric)
                .alarmDescription(description)
                .threshold(threshold)
                .comparisonOperator(comparison)
                .evaluationPeriods(evaluationPeriods)
                // No datapoints means no invocations, no messages: nothing is wrong.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(topic));
    }
}
