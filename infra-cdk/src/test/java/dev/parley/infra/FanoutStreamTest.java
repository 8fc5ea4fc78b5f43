package dev.parley.infra;

import static dev.parley.infra.SynthesizedStack.STACK;
import static dev.parley.infra.SynthesizedStack.TEMPLATE;
import static dev.parley.infra.SynthesizedStack.getAtt;
import static dev.parley.infra.SynthesizedStack.joinContaining;

import dev.parley.model.aws.AwsLimits;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.tables.Tables;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class FanoutStreamTest {
    @Test
    void offlineChecksConsumeThePresenceQueueReportingFailedMessages() {
        TEMPLATE.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "FunctionName", joinContaining(":" + JavaFunctionFactory.ALIAS_NAME),
                "BatchSize", 10,
                "FunctionResponseTypes", java.util.List.of("ReportBatchItemFailures")));
        TEMPLATE.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "RedrivePolicy", Map.of("maxReceiveCount", 3),
                "SqsManagedSseEnabled", true,
                // AWS asks for at least six times the consuming function's timeout
                "VisibilityTimeout", 6 * (int) Catalogue.PRESENCE_CHECK.timeout().toSeconds()));
    }

    @Test
    void offlineNoticesLeaveFanoutOnAQueueTheNotificationFunctionTakesInBatches() {
        TEMPLATE.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", getAtt(STACK.notifications().queue(), "Arn"),
                "FunctionName", joinContaining(":" + JavaFunctionFactory.ALIAS_NAME),
                "BatchSize", Notifications.BATCH_SIZE,
                "MaximumBatchingWindowInSeconds", 1,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures")));
        TEMPLATE.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "RedrivePolicy", Map.of("maxReceiveCount", 3),
                "MessageRetentionPeriod", 3600,
                "SqsManagedSseEnabled", true,
                "VisibilityTimeout", 6 * (int) Catalogue.NOTIFY.timeout().toSeconds()));
    }

    @Test
    void largeGroupChunksTravelOnAFifoQueueConsumedByTheChunkFunctionReportingFailures() {
        TEMPLATE.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", getAtt(STACK.fanoutChunks().queue(), "Arn"),
                "FunctionName", joinContaining(":" + JavaFunctionFactory.ALIAS_NAME),
                "BatchSize", 10,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures")));
        TEMPLATE.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "FifoQueue", true,
                "DeduplicationScope", "messageGroup",
                "FifoThroughputLimit", "perMessageGroupId",
                "RedrivePolicy", Map.of("maxReceiveCount", FanoutChunks.MAX_RECEIVES),
                "SqsManagedSseEnabled", true,
                "VisibilityTimeout", 6 * (int) Catalogue.FANOUT_CHUNKS.timeout().toSeconds()));
    }

    @Test
    void fanoutConsumesTheMessagesStreamThroughItsLiveAlias() {
        // The messages stream (fan-out), the fan-out chunks queue, the presence queue (offline checks)
        // and the notifications queue.
        TEMPLATE.resourceCountIs("AWS::Lambda::EventSourceMapping", 4);
        TEMPLATE.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", getAtt(SynthesizedStack.table(Tables.Messages.DEFINITION), "StreamArn"),
                "FunctionName", joinContaining(":" + JavaFunctionFactory.ALIAS_NAME),
                "StartingPosition", "TRIM_HORIZON",
                "BatchSize", AwsLimits.FANOUT_STREAM.batchSize(),
                // one batch per shard at a time: a conversation's pushes leave in seq order
                "ParallelizationFactor", 1));
    }

    @Test
    void aPoisonRecordIsIsolatedRetriedABoundedNumberOfTimesAndDeadLettered() {
        TEMPLATE.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                // Without this the handler's batchItemFailures are ignored and whole batches retry.
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "BisectBatchOnFunctionError", true,
                "MaximumRetryAttempts", AwsLimits.FANOUT_STREAM.maxRetryAttempts(),
                "MaximumRecordAgeInSeconds", (int) AwsLimits.FANOUT_STREAM.maxRecordAge().toSeconds(),
                "DestinationConfig", Map.of("OnFailure", Map.of(
                        "Destination", getAtt(STACK.fanout().deadLetters(), "Arn")))));
    }

    @Test
    void deadLetterQueueIsEncryptedKeepsRecordsTwoWeeksAndRefusesPlainHttp() {
        TEMPLATE.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 14 * 24 * 3600));
        TEMPLATE.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }
}
