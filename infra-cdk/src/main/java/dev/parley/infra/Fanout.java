package dev.parley.infra;

import dev.parley.model.aws.AwsLimits;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Trigger;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The messages stream drives fan-out. A poison record must neither block its shard nor vanish: the
 * handler reports the failed records, a failing batch is halved until the bad record is alone,
 * retries are bounded, and what is finally given up is described in the dead-letter queue (shard
 * and sequence numbers; clients recover the messages through sync).
 */
final class Fanout extends Concern {
    static final AwsLimits.StreamMapping MAPPING = AwsLimits.FANOUT_STREAM;

    private final Queue deadLetters;
    private final JavaFunction function;

    Fanout(Construct scope, String id, Functions functions, Table messages) {
        super(scope, id);
        deadLetters = Queue.Builder.create(this, "FanoutDeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Nag.suppress(deadLetters, "AwsSolutions-SQS3",
                "This queue is itself the dead-letter destination of the fan-out stream mapping; it has "
                        + "no consumer to fail, and its depth is alarmed.");

        function = functions.function(Catalogue.forTrigger(new Trigger.MessagesStream()).orElseThrow());
        // What DynamoEventSource does, under the id it gave the mapping before the stack was
        // grouped by concern: a new id would replace the mapping, which would then re-read the
        // stream from its trim horizon and push a day of messages again.
        function.live().addEventSourceMapping("DynamoDBEventSource:" + StableLogicalIds.nodeUniqueId(messages),
                EventSourceMappingOptions.builder()
                .eventSourceArn(messages.getTableStreamArn())
                .startingPosition(StartingPosition.TRIM_HORIZON)
                // AwsLimits.FANOUT_STREAM, as the local poller runs it. Parallelization factor 1:
                // Streams keep order per item only and every message is an item of its own, so
                // concurrent batches of one shard could push a conversation out of seq order
                // (docs/scale.md, "Push order and the stream mapping").
                .batchSize(MAPPING.batchSize())
                .parallelizationFactor(MAPPING.parallelizationFactor())
                .bisectBatchOnError(MAPPING.bisectOnError())
                .retryAttempts(MAPPING.maxRetryAttempts())
                // A push older than this is worth less than the sync the client does on its own.
                .maxRecordAge(Duration.seconds(MAPPING.maxRecordAge().toSeconds()))
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(deadLetters))
                .build());
        messages.grantStreamRead(function.live());
        Nag.suppress(function.function(), "AwsSolutions-IAM5",
                "dynamodb:ListStreams supports no resource-level permission (it can only be granted on *); "
                        + "reading the stream itself is limited to the messages table's stream ARN.",
                "Resource::*");
    }

    /** Where stream records go that fan-out gave up on. */
    Queue deadLetters() {
        return deadLetters;
    }

    JavaFunction function() {
        return function;
    }
}
